package io.github.sidecarchannels.core.transport;

import java.io.FileDescriptor;
import java.lang.reflect.Method;

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
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.aot.hint.RuntimeHintsRegistrar.class))
			.anyMatch(TransportRuntimeHints.class::isInstance);
	}

	private static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
		return type.getDeclaredMethod(name, parameters);
	}

}
