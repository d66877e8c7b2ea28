package io.github.sidecarchannels.core;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixed set of sidecars, by name. Closing it stops every sidecar still running (a
 * safety net: the application's lifecycle normally stops them first).
 */
public final class DefaultSidecarRegistry implements SidecarRegistry, AutoCloseable {

	private final Map<String, Sidecar> sidecars = new LinkedHashMap<>();

	/**
	 * @param sidecars the sidecars; names must be unique
	 */
	public DefaultSidecarRegistry(Collection<? extends Sidecar> sidecars) {
		for (Sidecar sidecar : sidecars) {
			if (this.sidecars.putIfAbsent(sidecar.name(), sidecar) != null) {
				throw new IllegalArgumentException("Two sidecars are named '" + sidecar.name() + "'");
			}
		}
	}

	@Override
	public Sidecar get(String name) {
		Sidecar sidecar = this.sidecars.get(name);
		if (sidecar == null) {
			throw new IllegalArgumentException(
					"No sidecar named '" + name + "'; configured sidecars: " + this.sidecars.keySet());
		}
		return sidecar;
	}

	@Override
	public Collection<Sidecar> all() {
		return Collections.unmodifiableCollection(this.sidecars.values());
	}

	/**
	 * Stop every sidecar; those already stopped return at once.
	 */
	@Override
	public void close() {
		this.sidecars.values().forEach(Sidecar::stop);
	}

}
