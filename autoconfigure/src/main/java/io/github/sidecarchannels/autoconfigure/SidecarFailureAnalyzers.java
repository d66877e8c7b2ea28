package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarStartException;

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

/**
 * Explains a sidecar whose child could not be launched.
 */
class SidecarStartFailureAnalyzer extends AbstractFailureAnalyzer<SidecarStartException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarStartException cause) {
		String prefix = "sidecar.processes." + cause.getSidecarName();
		return new FailureAnalysis(cause.getMessage(),
				"Check '" + prefix + ".command' and '" + prefix + ".working-directory', or set '" + prefix
						+ ".auto-startup' to false to start the sidecar later.",
				cause);
	}

}
