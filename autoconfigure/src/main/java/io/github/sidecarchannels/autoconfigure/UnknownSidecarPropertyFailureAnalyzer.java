package io.github.sidecarchannels.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains keys under {@code sidecar.*} that no property takes (Boot's binder reports
 * them because {@link SidecarProperties} does not ignore unknown fields), each with the
 * nearest valid key.
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
