package io.github.sidecarchannels.autoconfigure;

import io.github.sidecarchannels.autoconfigure.endpoint.SidecarsEndpoint.SidecarDescriptor;
import io.github.sidecarchannels.autoconfigure.endpoint.SidecarsEndpoint.SidecarsDescriptor;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints our {@code aot.factories} registrars give a native image, loaded the way AOT
 * processing loads them.
 */
class SidecarRuntimeHintsTests {

	private static final RuntimeHints hints = new RuntimeHints();

	private static final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	@BeforeAll
	static void registerHints() {
		ClassLoader classLoader = SidecarRuntimeHintsTests.class.getClassLoader();
		AotServices<RuntimeHintsRegistrar> registrars = AotServices.factories(classLoader)
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars.asList()).extracting((registrar) -> registrar.getClass().getSimpleName())
			.contains("SidecarRuntimeHints", "SidecarsHealthRuntimeHints", "SidecarsEndpointRuntimeHints");
		registrars.forEach((registrar) -> registrar.registerHints(hints, classLoader));
	}

	@Test
	void propertiesCanBeBound() {
		assertThat(reflection.onType(SidecarProperties.class)).accepts(hints);
		assertThat(reflection.onMethodInvocation(SidecarProperties.class, "getProcesses")).accepts(hints);
		assertThat(reflection.onMethodInvocation(SidecarProperties.Process.class, "setCommand")).accepts(hints);
		assertThat(reflection.onMethodInvocation(SidecarProperties.Restart.class, "setPolicy")).accepts(hints);
	}

	@Test
	void failureAnalyzersCanBeCreated() throws NoSuchMethodException {
		assertThat(
				reflection.onConstructorInvocation(SidecarConfigurationFailureAnalyzer.class.getDeclaredConstructor()))
			.accepts(hints);
		assertThat(reflection.onConstructorInvocation(SidecarStartFailureAnalyzer.class.getDeclaredConstructor()))
			.accepts(hints);
	}

	@Test
	void endpointRecordsAndHealthDetailsCanBeWritten() {
		assertThat(reflection.onMethodInvocation(SidecarsDescriptor.class, "sidecars")).accepts(hints);
		assertThat(reflection.onMethodInvocation(SidecarDescriptor.class, "state")).accepts(hints);
		assertThat(reflection.onMethodInvocation(SidecarDescriptor.class, "lastFailure")).accepts(hints);
		assertThat(reflection.onType(SidecarState.class)).accepts(hints);
	}

}
