package io.github.sidecarchannels.sample;

import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What operations sees: the {@code sidecars} health contributor, the {@code sidecar_*}
 * Prometheus series and the {@code sidecars} endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ActuatorTests {

	private static final String DIFF = "sidecar=\"diff\"";

	@LocalServerPort
	private int port;

	@Autowired
	@Qualifier("sidecar.diff")
	private Sidecar sidecar;

	private RestTestClient http;

	@BeforeEach
	void client() {
		this.http = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void healthIsUpWithTheSidecarsDetails() {
		this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sidecars.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sidecars.components.diff.status")
			.isEqualTo("UP")
			.jsonPath("$.components.sidecars.components.diff.details.state")
			.isEqualTo("RUNNING")
			.jsonPath("$.components.sidecars.components.diff.details.pid")
			.isEqualTo(this.sidecar.pid())
			.jsonPath("$.components.sidecars.components.diff.details.uptime")
			.value(String.class, (uptime) -> assertThat(uptime).startsWith("PT"));
	}

	@Test
	void eachSidecarHasItsOwnHealthPath() {
		this.http.get()
			.uri("/actuator/health/sidecars/diff")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.state")
			.isEqualTo("RUNNING")
			.jsonPath("$.details.pid")
			.isEqualTo(this.sidecar.pid());
		this.http.get().uri("/actuator/health/sidecars/nope").exchange().expectStatus().isNotFound();
	}

	@Test
	void prometheusCountsEveryMessageEachWay() {
		// json-rpc request meters are tagged by method and registered on its first call
		postDiff("warm", "up");
		String before = scrape();
		double sent = Prometheus.value(before, "sidecar_messages_sent_total", DIFF);
		double received = Prometheus.value(before, "sidecar_messages_received_total", DIFF);
		double succeeded = Prometheus.value(before, "sidecar_requests_seconds_count",
				"method=\"diff\",outcome=\"success\"");

		for (int i = 0; i < 3; i++) {
			postDiff("request " + i, "reply " + i);
		}

		// The starter counts a reply before it completes the request, so the numbers are
		// final here.
		String after = scrape();
		assertThat(after).containsPattern("(?m)^sidecar_messages_sent_total\\{[^}]*sidecar=\"diff\"[^}]*} ");
		assertThat(Prometheus.value(after, "sidecar_messages_sent_total", DIFF)).isEqualTo(sent + 3);
		assertThat(Prometheus.value(after, "sidecar_messages_received_total", DIFF)).isEqualTo(received + 3);
		assertThat(Prometheus.value(after, "sidecar_requests_seconds_count", "method=\"diff\",outcome=\"success\""))
			.isEqualTo(succeeded + 3);
		assertThat(Prometheus.value(after, "sidecar_up", DIFF)).isEqualTo(1.0);
	}

	@Test
	void sidecarsEndpointListsTheDiffSidecar() {
		this.http.get()
			.uri("/actuator/sidecars")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.sidecars.diff.state")
			.isEqualTo("RUNNING")
			.jsonPath("$.sidecars.diff.pid")
			.isEqualTo(this.sidecar.pid());
	}

	private String scrape() {
		String body = this.http.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).isNotNull();
		return body;
	}

	private void postDiff(String left, String right) {
		this.http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", left, "right", right))
			.exchange()
			.expectStatus()
			.isOk();
	}

}
