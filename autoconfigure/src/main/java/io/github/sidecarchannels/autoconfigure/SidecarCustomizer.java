package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.SidecarDefinition;

/**
 * Adjusts a sidecar's settings in code before it is created, after the properties were
 * applied. Customizer beans run in {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface SidecarCustomizer {

	/**
	 * @param name the sidecar's name
	 * @param definition its settings so far, to change in place
	 */
	void customize(String name, SidecarDefinition.Builder definition);

}
