package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.rpc.SidecarClient;
import io.github.sidecarchannels.rpc.SidecarClientException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link SidecarClient} interface that cannot work, naming it and what to fix.
 */
class SidecarClientFailureAnalyzer extends AbstractFailureAnalyzer<SidecarClientException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarClientException cause) {
		String description = "The sidecar client " + cause.getClientInterface().getName() + " (@SidecarClient(\""
				+ cause.getSidecarName() + "\")) cannot be created: " + cause.getProblem();
		if (cause.getSetting() != null) {
			return new FailureAnalysis(
					description, "Set the property 'sidecar.processes." + cause.getSidecarName() + "."
							+ cause.getSetting() + "', or name a configured json-rpc sidecar in @SidecarClient.",
					cause);
		}
		return new FailureAnalysis(description,
				"Fix the interface " + cause.getClientInterface().getName()
						+ ": every abstract method needs @JsonRpcMethod or @JsonRpcNotification (returning void).",
				cause);
	}

}
