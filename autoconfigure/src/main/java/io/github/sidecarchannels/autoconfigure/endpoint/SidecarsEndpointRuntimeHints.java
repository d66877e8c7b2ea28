package io.github.sidecarchannels.autoconfigure.endpoint;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * Lets Jackson write the {@code sidecars} endpoint's records in a native image. Skipped
 * without Actuator, whose {@code OperationResponseBody} the records implement.
 */
class SidecarsEndpointRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ACTUATOR = "org.springframework.boot.actuate.endpoint.OperationResponseBody";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (ClassUtils.isPresent(ACTUATOR, classLoader)) {
			new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
					SidecarsEndpoint.SidecarsDescriptor.class, SidecarsEndpoint.SidecarDescriptor.class);
		}
	}

}
