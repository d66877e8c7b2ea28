package io.github.sidecarchannels.autoconfigure.health;

import io.github.sidecarchannels.core.SidecarState;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Lets Jackson write the health details in a native image: their values are JDK types and
 * the {@link SidecarState} enum.
 */
class SidecarsHealthRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), SidecarState.class);
	}

}
