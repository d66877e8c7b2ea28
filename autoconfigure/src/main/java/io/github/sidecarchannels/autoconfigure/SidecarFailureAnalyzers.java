package io.github.sidecarchannels.autoconfigure;

import java.util.List;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarStartException;
import io.github.sidecarchannels.rpc.SidecarClient;
import io.github.sidecarchannels.rpc.SidecarClientException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

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
 * Explains a {@link SidecarClient} interface that cannot work, naming it and what to fix.
 */
class SidecarClientFailureAnalyzer extends AbstractFailureAnalyzer<SidecarClientException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarClientException cause) {
		String description = "The sidecar client " + cause.getClientInterface().getName() + " (@SidecarClient(\""
				+ cause.getSidecarName() + "\")) cannot be created: " + cause.getProblem();
		if (cause.getSetting() != null) {
			return new FailureAnalysis(description, "Set the property 'sidecar.processes." + cause.getSidecarName()
					+ "." + cause.getSetting() + "', or name a configured json-rpc sidecar in @SidecarClient.", cause);
		}
		return new FailureAnalysis(description, "Fix the interface " + cause.getClientInterface().getName()
				+ ": every abstract method needs @JsonRpcMethod or @JsonRpcNotification (returning void).", cause);
	}

}

/**
 * Explains a sidecar whose child could not be launched.
 */
class SidecarStartFailureAnalyzer extends AbstractFailureAnalyzer<SidecarStartException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SidecarStartException cause) {
		String prefix = "sidecar.processes." + cause.getSidecarName();
		if (cause.getCause() instanceof SidecarExitedException) {
			return new FailureAnalysis(cause.getMessage(), "The program started but ended at once; its stderr is "
					+ "quoted above. Run '" + prefix + ".command' by hand to see why, set '" + prefix
					+ ".startup.grace' to 0 if it is meant to exit at once, or '" + prefix
					+ ".fail-fast' to false to start the application without it.", cause);
		}
		return new FailureAnalysis(cause.getMessage(),
				"Check '" + prefix + ".command' and '" + prefix + ".working-directory', or set '" + prefix
						+ ".auto-startup' to false to start the sidecar later.",
				cause);
	}

}

/**
 * Explains keys under {@code sidecar.*} that no property takes (Boot's binder reports them because
 * {@link SidecarProperties} does not ignore unknown fields), each with the nearest valid key.
 */
class UnknownSidecarPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
		implements Ordered {

	private static final String PREFIX = "sidecar";

	private static final SidecarPropertyKeys KEYS = SidecarPropertyKeys.of(PREFIX, SidecarProperties.class);

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of(PREFIX);
		List<ConfigurationProperty> unknown = cause.getUnboundProperties()
			.stream()
			.filter((property) -> prefix.isAncestorOf(property.getName()))
			.sorted()
			.toList();
		if (unknown.isEmpty()) {
			return null;
		}
		StringBuilder description = new StringBuilder("Sidecar configuration has unknown properties:");
		for (ConfigurationProperty property : unknown) {
			String problem = KEYS.problem(property.getName());
			description.append("\n  - ").append(property.getName());
			if (property.getOrigin() != null) {
				description.append(" (from ").append(property.getOrigin()).append(')');
			}
			description.append(": ").append((problem != null) ? problem : "not a key the starter knows");
		}
		return new FailureAnalysis(description.toString(),
				"Fix or remove these properties: every key under 'sidecar' must be one the starter knows (see "
						+ "docs/configuration.md), so that a typo cannot leave a setting silently ignored.",
				cause);
	}

	/** Before Boot's own analysis of unbound properties, which has no suggestions. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
