package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * The reflection {@link NativeSockets} does into junixsocket's native socket class, for
 * native images.
 */
public final class TransportRuntimeHints implements RuntimeHintsRegistrar {

	static final String NATIVE_SOCKET = "org.newsclub.net.unix.NativeUnixSocket";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		TypeReference nativeSocket = TypeReference.of(NATIVE_SOCKET);
		hints.reflection().registerType(nativeSocket, (type) -> {
			type.withMethod("ensureSupported", TypeReference.listOf(), ExecutableMode.INVOKE);
			type.withMethod("socketPair",
					TypeReference.listOf(int.class, int.class, FileDescriptor.class, FileDescriptor.class),
					ExecutableMode.INVOKE);
			type.withMethod("shutdown", TypeReference.listOf(FileDescriptor.class, int.class), ExecutableMode.INVOKE);
			type.withMethod("getSocketOptionInt", TypeReference.listOf(FileDescriptor.class, int.class),
					ExecutableMode.INVOKE);
			type.withMethod("setSocketOptionInt", TypeReference.listOf(FileDescriptor.class, int.class, int.class),
					ExecutableMode.INVOKE);
			type.withField("SOCK_STREAM");
			type.withField("SOCK_SEQPACKET");
		});
	}

}
