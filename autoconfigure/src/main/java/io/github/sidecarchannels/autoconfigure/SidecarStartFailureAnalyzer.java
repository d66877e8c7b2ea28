package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarStartException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a sidecar whose child could not be launched.
 */
class SidecarStartFailureAnalyzer extends AbstractFailureAnalyzer<SidecarStartException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarStartException cause) {
		String prefix = "sidecar.processes." + cause.getSidecarName();
		if (cause.getCause() instanceof SidecarExitedException) {
			return new FailureAnalysis(cause.getMessage(),
					"The program started but ended at once; its stderr is " + "quoted above. Run '" + prefix
							+ ".command' by hand to see why, set '" + prefix
							+ ".startup.grace' to 0 if it is meant to exit at once, or '" + prefix
							+ ".fail-fast' to false to start the application without it.",
					cause);
		}
		return new FailureAnalysis(cause.getMessage(), "Check '" + prefix + ".command' and '" + prefix
				+ ".working-directory', or set '" + prefix + ".auto-startup' to false to start the sidecar later.",
				cause);
	}

}
