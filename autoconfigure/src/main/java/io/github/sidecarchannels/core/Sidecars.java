package io.github.sidecarchannels.core;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Creates {@link Sidecar}s. They start only when {@link Sidecar#start()} is called.
 */
public final class Sidecars {

	private Sidecars() {
	}

	/**
	 * @param definition what to run
	 * @return a sidecar without meters
	 */
	public static Sidecar create(SidecarDefinition definition) {
		return new DefaultSidecar(definition, (state) -> SidecarMetrics.NONE);
	}

	/**
	 * @param definition what to run
	 * @param registry where to register the sidecar's meters
	 * @return a sidecar with meters tagged {@code sidecar=<name>}
	 */
	public static Sidecar create(SidecarDefinition definition, MeterRegistry registry) {
		return new DefaultSidecar(definition,
				(state) -> new MicrometerSidecarMetrics(registry, definition.name(), state));
	}

}
