package io.github.sidecarchannels.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.sample.DiffService.DiffResult;
import io.github.sidecarchannels.sample.SidecarDashboardController.KillResult;
import io.github.sidecarchannels.sample.SidecarDashboardController.SidecarView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's kill button: SIGKILL, then the default on-failure policy starts a new
 * child after its backoff, and the app answers again. The context is discarded
 * afterwards, so the restart counts here do not leak into other tests.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KillAndRestartTests {

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
	void killedSidecarComesBackAndAnswers() {
		SidecarView before = diffView();
		assertThat(before.state()).isEqualTo("RUNNING");

		KillResult killed = this.http.post()
			.uri("/api/sidecars/diff/kill")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(KillResult.class)
			.returnResult()
			.getResponseBody();
		assertThat(killed).isEqualTo(new KillResult("diff", before.pid(), "SIGKILL"));

		SidecarView after = await().atMost(Duration.ofSeconds(30))
			.until(this::diffView, (view) -> view.state().equals("RUNNING") && view.pid() != before.pid()
					&& view.restarts() == before.restarts() + 1);
		assertThat(ProcessHandle.of(before.pid()).filter(ProcessHandle::isAlive)).isEmpty();
		assertThat(after.lastExitCode()).as("128 + SIGKILL").isEqualTo(137);
		assertThat(after.changes()).extracting(SidecarStateLog.Change::to)
			.containsSubsequence("RUNNING", "RESTARTING", "STARTING", "RUNNING");

		DiffResult answer = this.http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", "abcd", "right", "bcde"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(DiffResult.class)
			.returnResult()
			.getResponseBody();
		assertThat(answer).isNotNull();
		assertThat(answer.similarity()).isEqualTo(0.75);

		String scrape = this.http.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(Prometheus.value(scrape, "sidecar_restarts_total", "sidecar=\"diff\"")).isEqualTo(after.restarts());
	}

	@Test
	void aStoppedSidecarHasNothingToKillAndTheDiffSaysUnavailable() {
		this.sidecar.stop();
		try {
			this.http.post().uri("/api/sidecars/diff/kill").exchange().expectStatus().isEqualTo(409);
			this.http.post()
				.uri("/api/diff")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("left", "a", "right", "b"))
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.detail")
				.value(String.class, (detail) -> assertThat(detail).contains("STOPPED"));
		}
		finally {
			this.sidecar.start();
		}
		assertThat(this.sidecar.state()).isEqualTo(SidecarState.RUNNING);
	}

	@Test
	void anUnknownSidecarIsNotFound() {
		this.http.post()
			.uri("/api/sidecars/nope/kill")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.value(String.class, (detail) -> assertThat(detail).contains("nope").contains("[diff]"));
	}

	private SidecarView diffView() {
		List<SidecarView> views = this.http.get()
			.uri("/api/sidecars")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<SidecarView>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(views).extracting(SidecarView::name).containsExactly("diff");
		return views.get(0);
	}

}
