package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Accepted = read by the child + reported, exactly: on stop, when the child dies, for
 * messages and for requests; and the outbound buffer's byte bound.
 */
class SidecarDeliveryAccountingTests {

	private static final Logger logger = LoggerFactory.getLogger(SidecarDeliveryAccountingTests.class);

	private static final int SIZE = 100;

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void stopReportsExactlyWhatTheChildNeverRead() throws IOException {
		Path record = this.temp.resolve("read");
		this.runner.withPropertyValues(slowRecorder("slow", record), "sidecar.processes.slow.stop-timeout=1s")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.slow", Sidecar.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				int accepted = 5000;
				for (int i = 0; i < accepted; i++) {
					assertThat(sidecar.outbound().send(MessageBuilder.withPayload(message(i)).build())).isTrue();
				}
				sidecar.stop();
				List<Integer> read = readRecord(record);
				List<Integer> reported = reportedNumbers(errors);
				logger.info("stop: {} accepted, {} read by the child, {} reported", accepted, read.size(),
						reported.size());
				assertThat(reported).isNotEmpty();
				assertExactlyOnce(read, reported, accepted);
				assertThat(undelivered(context.getBean(MeterRegistry.class), "slow")).isEqualTo(reported.size());
			});
	}

	@Test
	void messagesInADeadChildsSocketAreReported() throws IOException {
		Path record = this.temp.resolve("read");
		this.runner
			.withPropertyValues(slowRecorder("dying", record) + ",-,100",
					"sidecar.processes.dying.restart.policy=never")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.dying", Sidecar.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				int accepted = 1000;
				for (int i = 0; i < accepted; i++) {
					assertThat(sidecar.outbound().send(MessageBuilder.withPayload(message(i)).build())).isTrue();
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.state() == SidecarState.FAILED);
				sidecar.stop();
				List<Integer> read = readRecord(record);
				assertThat(read).hasSize(100);
				List<Integer> reported = reportedNumbers(errors);
				assertExactlyOnce(read, reported, accepted);
				assertThat(undelivered(context.getBean(MeterRegistry.class), "dying")).isEqualTo(accepted - 100);
			});
	}

	@Test
	void requestsTheChildNeverReadFailToTheirCallers() throws IOException {
		Path record = this.temp.resolve("read");
		this.runner
			.withPropertyValues(slowRecorder("replier", record) + ",reply",
					"sidecar.processes.replier.stop-timeout=500ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.replier", Sidecar.class);
				List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					replies.add(sidecar.requestAsync(message(i), Duration.ofMinutes(1)));
				}
				sidecar.stop();
				int answered = 0;
				int neverRead = 0;
				for (int i = 0; i < replies.size(); i++) {
					CompletableFuture<Message<?>> reply = replies.get(i);
					assertThat(reply).isDone();
					if (!reply.isCompletedExceptionally()) {
						assertThat(text(reply.join().getPayload())).isEqualTo(message(i));
						answered++;
						continue;
					}
					Throwable failure = assertThatExceptionOfType(CompletionException.class).isThrownBy(reply::join)
						.actual()
						.getCause();
					assertThat(failure).isInstanceOf(SidecarExitedException.class)
						.hasMessageContaining("Sidecar 'replier'");
					// Never read: still in the socket buffer, or never written at all.
					if (failure.getMessage().contains("did not take the request")) {
						neverRead++;
					}
				}
				List<Integer> read = readRecord(record);
				logger.info("requests: 1000 sent, {} answered, {} read, {} never read", answered, read.size(),
						neverRead);
				assertThat(neverRead).isPositive();
				assertThat(read.size() + neverRead).isEqualTo(1000);
				assertThat(answered).isLessThanOrEqualTo(read.size());
			});
	}

	@Test
	void outboundBufferBoundsTheBytesHeldForAChildThatNeverReads() {
		this.runner
			.withPropertyValues("sidecar.processes.deaf.command=sh,-c,exec sleep 1000",
					"sidecar.processes.deaf.stop-timeout=100ms", "sidecar.processes.deaf.outbound-buffer-size=4MB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.deaf", Sidecar.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				String megabyte = "x".repeat(1024 * 1024 - 1);
				int accepted = 0;
				while (sidecar.outbound().send(MessageBuilder.withPayload(megabyte).build(), 200)) {
					accepted++;
				}
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				double written = meters.get("sidecar.bytes.sent").counter().count();
				double held = (double) accepted * megabyte.length() - written;
				logger.info("buffer: {} MiB accepted, {} bytes written to the socket, {} bytes held", accepted, written,
						held);
				assertThat(held).isLessThanOrEqualTo(4 * 1024 * 1024);
				assertThat(held).isGreaterThan(4 * 1024 * 1024 - 2 * megabyte.length());
				CompletableFuture<Message<?>> request = sidecar.requestAsync(megabyte, Duration.ofMillis(200));
				assertThat(request).failsWithin(Duration.ofSeconds(30))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(SidecarTimeoutException.class)
					.withMessageContaining("the outbound buffer stayed full");
				sidecar.stop();
				assertThat(errors).hasSize(accepted);
				MessageDeliveryException first = (MessageDeliveryException) errors.peek().getPayload();
				assertThat(first.getFailedMessage().getPayload()).isEqualTo(megabyte);
			});
	}

	@Test
	void aPayloadLargerThanTheOutboundBufferIsRejected() {
		this.runner
			.withPropertyValues("sidecar.processes.small.command=cat",
					"sidecar.processes.small.outbound-buffer-size=1KB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.small", Sidecar.class);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.outbound().send(MessageBuilder.withPayload(new byte[2048]).build()))
					.withMessageContaining("Sidecar 'small'")
					.withMessageContaining("2048 bytes, more than outbound-buffer-size (1024 bytes)");
			});
	}

	private String slowRecorder(String name, Path record) {
		return "sidecar.processes." + name + ".command=python3," + Children.script("slow_recorder.py") + "," + record
				+ "," + SIZE;
	}

	/**
	 * Its number, padded so that the line framing's newline makes it {@link #SIZE} bytes.
	 */
	private static String message(int number) {
		String digits = String.format("%08d", number);
		return digits + "-".repeat(SIZE - digits.length() - 1);
	}

	private static String text(Object payload) {
		return (payload instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : (String) payload;
	}

	private static List<Integer> readRecord(Path record) throws IOException {
		if (!Files.exists(record)) {
			return List.of();
		}
		return Files.readAllLines(record).stream().map((line) -> Integer.parseInt(line.substring(0, 8))).toList();
	}

	private static List<Integer> reportedNumbers(BlockingQueue<Message<?>> errors) {
		List<Integer> numbers = new ArrayList<>();
		for (Message<?> error : errors) {
			MessageDeliveryException problem = (MessageDeliveryException) ((ErrorMessage) error).getPayload();
			assertThat(problem.getMessage()).contains("not delivered");
			numbers.add(Integer.parseInt(((String) problem.getFailedMessage().getPayload()).substring(0, 8)));
		}
		return numbers;
	}

	private static void assertExactlyOnce(List<Integer> read, List<Integer> reported, int accepted) {
		assertThat(read.size() + reported.size()).isEqualTo(accepted);
		Set<Integer> all = new HashSet<>(read);
		all.addAll(reported);
		assertThat(all).hasSize(accepted);
		assertThat(read).isSorted();
		assertThat(reported).isSorted();
	}

	private static double undelivered(MeterRegistry meters, String name) {
		return meters.get("sidecar.errors").tags("sidecar", name, "type", "undelivered").counter().count();
	}

}
