package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.SidecarConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a sidecar whose settings cannot work, naming the exact property to fix.
 */
class SidecarConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<SidecarConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarConfigurationException cause) {
		String property = "sidecar.processes." + cause.getSidecarName() + "." + cause.getSetting();
		return new FailureAnalysis("Sidecar '" + cause.getSidecarName() + "' cannot start: " + cause.getProblem(),
				"Fix the property '" + property + "' (or sidecar.defaults." + cause.getSetting()
						+ " if it comes from the defaults).",
				cause);
	}

}
