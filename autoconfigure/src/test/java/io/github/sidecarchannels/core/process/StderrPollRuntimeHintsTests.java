package io.github.sidecarchannels.core.process;

import java.io.FileDescriptor;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reflective call {@link NativePoll} makes is covered by a hint, and the registrar
 * is found through {@code aot.factories}.
 */
class StderrPollRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void nativePollIsHinted() throws Exception {
		new StderrPollRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		Class<?> nativeSocket = Class.forName(NativePoll.NATIVE_SOCKET);
		Class<?> pollFd = Class.forName(NativePoll.POLL_FD);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(nativeSocket.getDeclaredMethod("ensureSupported"))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(nativeSocket.getDeclaredMethod("poll", pollFd, int.class))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(pollFd.getDeclaredConstructor(FileDescriptor[].class, int[].class)))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onFieldAccess(pollFd.getDeclaredField("rops")))
			.accepts(this.hints);
	}

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(StderrPollRuntimeHints.class);
	}

}
