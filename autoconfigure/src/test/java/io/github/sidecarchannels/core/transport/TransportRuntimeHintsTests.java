package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reflective call {@link NativeSockets} makes is covered by a hint, and the
 * registrar is found through {@code aot.factories} as Spring's AOT processing finds it.
 */
class TransportRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void nativeSocketCallsAreHinted() throws Exception {
		new TransportRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		Class<?> nativeSocket = Class.forName(TransportRuntimeHints.NATIVE_SOCKET);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(method(nativeSocket, "ensureSupported")))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(method(nativeSocket, "socketPair", int.class, int.class, FileDescriptor.class,
					FileDescriptor.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(method(nativeSocket, "shutdown", FileDescriptor.class, int.class))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(method(nativeSocket, "setSocketOptionInt", FileDescriptor.class, int.class, int.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(nativeSocket.getDeclaredField("SOCK_SEQPACKET")))
			.accepts(this.hints);
	}

	@Test
	void callsOfTheWritePathAreHinted() throws Exception {
		new TransportRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		Class<?> nativeSocket = Class.forName(TransportRuntimeHints.NATIVE_SOCKET);
		Class<?> pollFd = Class.forName(TransportRuntimeHints.POLL_FD);
		Class<?> ancillaryData = Class.forName(TransportRuntimeHints.ANCILLARY_DATA);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(method(nativeSocket, "send", FileDescriptor.class, ByteBuffer.class, int.class,
					int.class, ByteBuffer.class, int.class, int.class, ancillaryData)))
			.accepts(this.hints);
		assertThat(
				RuntimeHintsPredicates.reflection().onMethodInvocation(method(nativeSocket, "poll", pollFd, int.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(method(nativeSocket, "available", FileDescriptor.class, ByteBuffer.class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(pollFd.getDeclaredConstructor(FileDescriptor[].class, int[].class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(pollFd.getDeclaredField("rops")))
			.accepts(this.hints);
	}

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.aot.hint.RuntimeHintsRegistrar.class))
			.anyMatch(TransportRuntimeHints.class::isInstance);
	}

	private static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
		return type.getDeclaredMethod(name, parameters);
	}

}
