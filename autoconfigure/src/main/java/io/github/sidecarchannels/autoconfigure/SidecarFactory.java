package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;

/**
 * Creates the {@link Sidecar} for each definition; define a bean of this type to wrap or
 * replace the default (which registers meters when a {@code MeterRegistry} bean exists).
 */
@FunctionalInterface
public interface SidecarFactory {

	/**
	 * @param definition the validated settings
	 * @return a sidecar, not yet started
	 */
	Sidecar create(SidecarDefinition definition);

}
