package io.github.sidecarchannels.core.process;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled clients are hinted for native images, through {@code aot.factories}.
 */
class ChildFilesRuntimeHintsTests {

	@Test
	void bundledClientsAreHinted() {
		RuntimeHints hints = new RuntimeHints();
		new ChildFilesRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource()
			.forResource(ChildFiles.CLIENTS_LOCATION + "python/sidecar_channel.py")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource()
			.forResource(ChildFiles.CLIENTS_LOCATION + "node/sidecar-channel/package.json")).accepts(hints);
	}

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(ChildFilesRuntimeHints.class);
	}

}
