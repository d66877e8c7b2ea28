package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.List;

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

	static final String POLL_FD = "org.newsclub.net.unix.AFSelector$PollFd";

	static final String ANCILLARY_DATA = "org.newsclub.net.unix.AncillaryDataSupport";

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
			type.withMethod("available", TypeReference.listOf(FileDescriptor.class, ByteBuffer.class),
					ExecutableMode.INVOKE);
			type.withMethod("send", List.of(TypeReference.of(FileDescriptor.class), TypeReference.of(ByteBuffer.class),
					TypeReference.of(int.class), TypeReference.of(int.class), TypeReference.of(ByteBuffer.class),
					TypeReference.of(int.class), TypeReference.of(int.class), TypeReference.of(ANCILLARY_DATA)),
					ExecutableMode.INVOKE);
			type.withMethod("poll", List.of(TypeReference.of(POLL_FD), TypeReference.of(int.class)),
					ExecutableMode.INVOKE);
			type.withField("SOCK_STREAM");
			type.withField("SOCK_SEQPACKET");
		});
		hints.reflection().registerType(TypeReference.of(POLL_FD), (type) -> {
			type.withConstructor(TypeReference.listOf(FileDescriptor[].class, int[].class), ExecutableMode.INVOKE);
			type.withField("rops");
		});
	}

}
