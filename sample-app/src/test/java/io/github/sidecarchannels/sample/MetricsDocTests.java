package io.github.sidecarchannels.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/metrics.md} in step with the meters the starter registers: after real
 * traffic, every {@code sidecar.*} meter name and tag key, and every {@code sidecar_*}
 * Prometheus series, must appear on the page, and every meter the page's table lists must
 * exist.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class MetricsDocTests {

	private static final Path DOC = Path.of("..", "docs", "metrics.md");

	/** First cell of a row of the meters table. */
	private static final Pattern METER_ROW = Pattern.compile("^\\| `(sidecar\\.[a-z.]+)` \\|", Pattern.MULTILINE);

	@LocalServerPort
	private int port;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	@Qualifier("sidecar.diff.outbound")
	private MessageChannel toDiff;

	@Autowired
	@Qualifier("sidecar.diff.errors")
	private SubscribableChannel diffErrors;

	@Test
	void everyMeterAndSeriesIsDocumented() throws IOException, InterruptedException {
		RestTestClient http = RestTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
		http.post()
			.uri("/api/diff")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("left", "a", "right", "b"))
			.exchange()
			.expectStatus()
			.isOk();
		provokeAnError();
		String doc = Files.readString(DOC);

		Set<String> registered = new TreeSet<>();
		Set<String> undocumented = new TreeSet<>();
		for (Meter meter : this.meters.getMeters()) {
			String name = meter.getId().getName();
			if (name.startsWith("sidecar.")) {
				registered.add(name);
				if (!doc.contains("`" + name + "`")) {
					undocumented.add("meter " + name);
				}
				for (Tag tag : meter.getId().getTags()) {
					if (!doc.contains("`" + tag.getKey() + "`")) {
						undocumented.add("tag " + tag.getKey() + " of " + name);
					}
				}
			}
		}
		assertThat(registered).contains("sidecar.messages.sent", "sidecar.requests", "sidecar.errors");

		Set<String> tabled = new TreeSet<>();
		Matcher row = METER_ROW.matcher(doc);
		while (row.find()) {
			tabled.add(row.group(1));
		}
		// The sample has no json-rpc sidecar: the meters only those register are
		// documented all the same.
		Set<String> expected = new TreeSet<>(registered);
		expected.add("sidecar.handled");
		assertThat(tabled).as("meters in the table of " + DOC).isEqualTo(expected);

		String scrape = http.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		Set<String> series = Prometheus.names(scrape, "sidecar_");
		assertThat(series).contains("sidecar_messages_sent_total", "sidecar_errors_total");
		for (String name : series) {
			if (!doc.contains("`" + name + "`")) {
				undocumented.add("Prometheus series " + name);
			}
		}
		assertThat(undocumented).as("missing from " + DOC).isEmpty();
	}

	/**
	 * {@code sidecar.errors} is registered on the first error only. A JSON-RPC request
	 * sent as a plain message to this json-rpc child makes it answer with an id no call
	 * is waiting for: an {@code unmatched} error, reported on the error channel and never
	 * handed to another caller.
	 */
	private void provokeAnError() throws InterruptedException {
		BlockingQueue<Message<?>> errors = new LinkedBlockingQueue<>();
		MessageHandler collector = errors::add;
		this.diffErrors.subscribe(collector);
		try {
			this.toDiff.send(
					MessageBuilder
						.withPayload("{\"jsonrpc\": \"2.0\", \"id\": \"stray\", \"method\": \"diff\", "
								+ "\"params\": {\"left\": \"x\", \"right\": \"y\"}}")
						.build());
			Message<?> error = errors.poll(30, TimeUnit.SECONDS);
			assertThat(error).as("an error message within 30s").isInstanceOf(ErrorMessage.class);
			assertThat(((ErrorMessage) error).getPayload().getMessage()).contains("matches no waiting call");
		}
		finally {
			this.diffErrors.unsubscribe(collector);
		}
		// Counted before the error message is sent, so it is there by now.
		assertThat(this.meters.get("sidecar.errors").tags("sidecar", "diff", "type", "unmatched").counter().count())
			.isGreaterThanOrEqualTo(1);
	}

}
