package io.github.sidecarchannels.core.process;

import java.io.FileDescriptor;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The reflection {@link NativePoll} does into junixsocket for the {@link StderrPoller},
 * for native images.
 */
public final class StderrPollRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		TypeReference pollFd = TypeReference.of(NativePoll.POLL_FD);
		hints.reflection().registerType(TypeReference.of(NativePoll.NATIVE_SOCKET), (type) -> {
			type.withMethod("ensureSupported", TypeReference.listOf(), ExecutableMode.INVOKE);
			type.withMethod("poll", List.of(pollFd, TypeReference.of(int.class)), ExecutableMode.INVOKE);
		});
		hints.reflection().registerType(pollFd, (type) -> {
			type.withConstructor(TypeReference.listOf(FileDescriptor[].class, int[].class), ExecutableMode.INVOKE);
			type.withField("rops");
		});
	}

}
