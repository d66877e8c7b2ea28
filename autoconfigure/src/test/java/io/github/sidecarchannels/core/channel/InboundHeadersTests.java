package io.github.sidecarchannels.core.channel;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.messaging.MessageHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InboundHeaders}.
 */
class InboundHeadersTests {

	@Test
	void everyMessageCarriesTheFixedHeadersAnIdAndATimestamp() {
		InboundHeaders headers = new InboundHeaders(Map.of("sidecar_name", "echo", "sidecar_pid", 42L));
		long before = System.currentTimeMillis();
		MessageHeaders first = headers.next();
		assertThat(first).containsEntry("sidecar_name", "echo").containsEntry("sidecar_pid", 42L).hasSize(4);
		assertThat(first.getId()).isNotNull();
		assertThat(first.getTimestamp()).isNotNull().isBetween(before, System.currentTimeMillis());
	}

	@Test
	void idsDifferWithinAConnectionAndAcrossConnections() {
		Set<UUID> ids = new HashSet<>();
		for (int connection = 0; connection < 10; connection++) {
			InboundHeaders headers = new InboundHeaders(Map.of());
			for (int message = 0; message < 1_000; message++) {
				ids.add(headers.next().getId());
			}
		}
		assertThat(ids).hasSize(10_000);
	}

	@Test
	void theFixedMapIsNotChangedByMessages() {
		Map<String, Object> fixed = Map.of("sidecar_name", "echo");
		InboundHeaders headers = new InboundHeaders(fixed);
		headers.next();
		assertThat(fixed).containsOnlyKeys("sidecar_name");
	}

}
