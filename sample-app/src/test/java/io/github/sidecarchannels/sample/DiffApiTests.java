package io.github.sidecarchannels.sample;

import java.util.Map;

import io.github.sidecarchannels.sample.DiffService.BurstResult;
import io.github.sidecarchannels.sample.DiffService.DiffResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diff API end to end: HTTP → Jackson → the python3 child's difflib → back.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DiffApiTests {

	static final String LEFT = "The quick brown fox\njumps over the lazy dog\n";

	static final String RIGHT = "The quick brown cat\njumps over the lazy dog\n";

	@LocalServerPort
	private int port;

	private RestTestClient http;

	@BeforeEach
	void client() {
		this.http = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	@Test
	void knownTextsGiveTheirSimilarityAndBothDiffs() {
		DiffResult result = diff(LEFT, RIGHT);
		// 41 of the 88 characters match on each side ("The quick brown " and the second
		// line): 2 * 41 / 88.
		assertThat(result.similarity()).isEqualTo(0.9318);
		assertThat(result.unified()).isEqualTo("""
				--- left
				+++ right
				@@ -1,2 +1,2 @@
				-The quick brown fox
				+The quick brown cat
				 jumps over the lazy dog""");
		assertThat(result.html()).contains("<table class=\"diff\"")
			.contains("The&nbsp;quick&nbsp;brown&nbsp;<span class=\"diff_chg\">fox</span>")
			.contains("The&nbsp;quick&nbsp;brown&nbsp;<span class=\"diff_chg\">cat</span>");
	}

	@Test
	void identicalTextsAreFullySimilarWithAnEmptyDiff() {
		DiffResult result = diff("same\ntext\n", "same\ntext\n");
		assertThat(result.similarity()).isEqualTo(1.0);
		assertThat(result.unified()).isEmpty();
		assertThat(result.html()).contains("No Differences Found");
	}

	@Test
	void nonAsciiTextCrossesTheLinesFramingAsUtf8() {
		DiffResult result = diff("café", "cafe");
		assertThat(result.similarity()).isEqualTo(0.75);
		assertThat(result.unified()).endsWith("-café\n+cafe");
	}

	@Test
	void markupInTheTextsIsEscapedInTheHtmlTable() {
		DiffResult result = diff("<b>bold</b>", "<i>bold</i>");
		assertThat(result.html()).contains("&lt;").doesNotContain("<b>").doesNotContain("<i>");
	}

	@Test
	void missingTextIsABadRequest() {
		this.http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", "only one side"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("both 'left' and 'right' are required");
	}

	@Test
	void oversizedTextIsABadRequestBeforeReachingTheChild() {
		this.http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", "x".repeat(10_001), "right", ""))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("texts are limited to 10000 characters each, got 10001");
	}

	@Test
	void aBurstIsPipelinedAndEveryRequestAnswered() {
		BurstResult result = this.http.post()
			.uri("/api/diff/burst?count=200")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", LEFT, "right", RIGHT))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(BurstResult.class)
			.returnResult()
			.getResponseBody();
		assertThat(result).isNotNull();
		assertThat(result.requests()).isEqualTo(200);
		assertThat(result.succeeded()).isEqualTo(200);
		assertThat(result.failed()).isZero();
		assertThat(result.firstFailure()).isNull();
	}

	@Test
	void aBurstOutsideItsLimitsIsABadRequest() {
		this.http.post()
			.uri("/api/diff/burst?count=0")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", "a", "right", "b"))
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	private DiffResult diff(String left, String right) {
		DiffResult result = this.http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", left, "right", right))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(DiffResult.class)
			.returnResult()
			.getResponseBody();
		assertThat(result).isNotNull();
		return result;
	}

}
