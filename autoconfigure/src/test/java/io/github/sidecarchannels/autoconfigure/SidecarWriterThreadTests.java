package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Senders write on their own thread while the socket has room; a writer thread exists
 * only while the child is behind.
 */
class SidecarWriterThreadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void requestsAnsweredOneAtATimeNeedNoWriterThread() {
		this.runner.withPropertyValues("sidecar.processes.oneatatime.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.oneatatime", Sidecar.class);
			for (int i = 0; i < 50; i++) {
				assertThat(sidecar.request("ping " + i, TIMEOUT).getPayload()).isEqualTo("ping " + i);
			}
			assertThat(threadNames()).contains("sidecar-oneatatime-reader").doesNotContain("sidecar-oneatatime-writer");
		});
	}

	@Test
	void aChildThatStopsReadingGetsAWriterThreadAndEverythingArrivesInOrder(@TempDir Path directory) throws Exception {
		Path gate = directory.resolve("gate");
		Process mkfifo = new ProcessBuilder("mkfifo", gate.toString()).start();
		assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(mkfifo.exitValue()).isZero();
		int count = 4000;
		String padding = "x".repeat(1000);
		this.runner
			.withPropertyValues("sidecar.processes.gated.command=sh,-c,read -r go < \"$0\"; exec cat," + gate,
					"sidecar.processes.gated.outbound-capacity=" + count)
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.gated", Sidecar.class);
				BlockingQueue<Message<?>> echoed = SidecarChannelsTests.subscribe(sidecar.inbound());
				for (int i = 0; i < count; i++) {
					// 4 MB in all, far more than the socket holds while the child waits.
					assertThat(sidecar.outbound().send(MessageBuilder.withPayload(i + " " + padding).build())).isTrue();
				}
				await().atMost(TIMEOUT).until(() -> threadNames().contains("sidecar-gated-writer"));
				open(gate);
				for (int i = 0; i < count; i++) {
					Message<?> message = echoed.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					assertThat(message).as("echo %d of %d", i, count).isNotNull();
					assertThat(message.getPayload()).isEqualTo(i + " " + padding);
				}
			});
	}

	private static void open(Path gate) throws IOException {
		Files.writeString(gate, "go\n", StandardCharsets.UTF_8);
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

}
