package io.github.sidecarchannels.core;

import io.github.sidecarchannels.core.metrics.MicrometerSidecarMetrics;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Creates {@link Sidecar}s. They start only when {@link Sidecar#start()} is called.
 */
public final class Sidecars {

	private Sidecars() {
	}

	/**
	 * @param definition what to run
	 * @return a sidecar without meters, with a scheduler of its own
	 */
	public static Sidecar create(SidecarDefinition definition) {
		return create(definition, SidecarScheduler.create(definition.name()));
	}

	/**
	 * @param definition what to run
	 * @param scheduler runs its timeouts and restart delays; closed by its owner, not by the sidecar
	 * @return a sidecar without meters
	 */
	public static Sidecar create(SidecarDefinition definition, SidecarScheduler scheduler) {
		return new DefaultSidecar(definition, scheduler, (state) -> SidecarMetrics.NONE);
	}

	/**
	 * @param definition what to run
	 * @param registry where to register the sidecar's meters
	 * @return a sidecar with meters tagged {@code sidecar=<name>}, with a scheduler of its own
	 */
	public static Sidecar create(SidecarDefinition definition, MeterRegistry registry) {
		return create(definition, registry, SidecarScheduler.create(definition.name()));
	}

	/**
	 * @param definition what to run
	 * @param registry where to register the sidecar's meters
	 * @param scheduler runs its timeouts and restart delays; closed by its owner, not by the sidecar
	 * @return a sidecar with meters tagged {@code sidecar=<name>}
	 */
	public static Sidecar create(SidecarDefinition definition, MeterRegistry registry, SidecarScheduler scheduler) {
		return new DefaultSidecar(definition, scheduler,
				(state) -> new MicrometerSidecarMetrics(registry, definition.name(), state));
	}

	/**
	 * @param definition what to run
	 * @param registry where to register the sidecar's meters, or {@code null} for none
	 * @param scheduler runs its timeouts and restart delays; closed by its owner, not by the sidecar
	 * @param converter converts the objects of {@link Sidecar#request(Object, Class, java.time.Duration)
	 * typed requests} and listeners, e.g. a
	 * {@link io.github.sidecarchannels.core.convert.JacksonPayloadConverter}
	 * @return a sidecar
	 */
	public static Sidecar create(SidecarDefinition definition, @Nullable MeterRegistry registry,
			SidecarScheduler scheduler, PayloadConverter converter) {
		DefaultSidecar sidecar = (registry != null) ? (DefaultSidecar) create(definition, registry, scheduler)
				: (DefaultSidecar) create(definition, scheduler);
		return sidecar.payloadConverter(converter);
	}

}
