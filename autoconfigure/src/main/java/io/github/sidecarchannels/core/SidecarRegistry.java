package io.github.sidecarchannels.core;

import java.util.Collection;

/**
 * All sidecars of an application, by name.
 */
public interface SidecarRegistry {

	/**
	 * @param name a sidecar's name
	 * @return the sidecar
	 * @throws IllegalArgumentException if there is none by that name (the message lists
	 * the known names)
	 */
	Sidecar get(String name);

	/**
	 * @return every sidecar, in configuration order
	 */
	Collection<Sidecar> all();

}
