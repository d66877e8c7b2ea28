package io.github.sidecarchannels.core.process;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The bundled child clients {@link ChildFiles} extracts, for native images: a native
 * image holds only the resources it is told about. An application's own
 * {@code classpath:} locations need a hint of its own.
 */
public final class ChildFilesRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(ChildFiles.CLIENTS_LOCATION + "**");
	}

}
