package io.github.sidecarchannels.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SidecarSmokeTest {

	@Test
	void echoThroughCat() {
		Sidecar sidecar = Sidecars.create(SidecarDefinition.builder("smoke").command("cat").build());
		sidecar.start();
		try {
			assertThat(sidecar.request("hello", Duration.ofSeconds(5)).getPayload()).isEqualTo("hello");
		}
		finally {
			sidecar.stop();
		}
		assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
	}

}
