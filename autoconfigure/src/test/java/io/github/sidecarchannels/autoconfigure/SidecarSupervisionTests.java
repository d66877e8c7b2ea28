package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sidecarchannels.autoconfigure.health.SidecarsHealthContributor;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Restart policies, what happens to messages when a child dies, and hostile children.
 */
class SidecarSupervisionTests {

	private static final Logger logger = LoggerFactory.getLogger(SidecarSupervisionTests.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	private final List<SidecarStateChangedEvent> events = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean("eventCollector", ApplicationListener.class,
				() -> (ApplicationListener<SidecarStateChangedEvent>) this.events::add);

	@Test
	void crashingChildIsRestartedWithBackoffUntilTheLimitThenStaysFailed() {
		this.runner
			.withPropertyValues("sidecar.processes.crash.command=sh,-c,echo dying >&2; exit 7",
					"sidecar.processes.crash.startup.grace=0", "sidecar.processes.crash.restart.initial-delay=10ms",
					"sidecar.processes.crash.restart.max-restarts=3")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.crash", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.FAILED);
				assertThat(sidecar.status().restarts()).isEqualTo(3);
				assertThat(sidecar.status().lastExitCode()).isEqualTo(7);
				assertThat(sidecar.lastFailure()).contains("exit code 7").contains("gave up after 3 restarts");
				assertThat(context.getBean(MeterRegistry.class).get("sidecar.restarts").counter().count()).isEqualTo(3);
				assertThat(this.events).extracting(SidecarStateChangedEvent::getCurrent)
					.containsSubsequence(SidecarState.STARTING, SidecarState.RUNNING, SidecarState.RESTARTING,
							SidecarState.STARTING, SidecarState.RUNNING, SidecarState.RESTARTING, SidecarState.FAILED);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.outbound().send(MessageBuilder.withPayload("x").build()))
					.withMessageContaining("FAILED")
					.withMessageContaining("gave up");
			});
	}

	@Test
	void manualRestartBringsAFailedSidecarBack() {
		this.runner
			.withPropertyValues("sidecar.processes.once.command=python3," + Children.script("crash_once.py"),
					"sidecar.processes.once.environment.CRASH_ONCE_MARKER=" + this.temp.resolve("marker"),
					"sidecar.processes.once.restart.policy=never", "sidecar.processes.once.startup.grace=0")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.once", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.FAILED);
				assertThat(sidecar.status().restarts()).isZero();
				sidecar.restart();
				assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
				assertThat(sidecar.request("back", TIMEOUT).getPayload()).isEqualTo("back");
			});
	}

	@Test
	void cleanExitStopsUnlessPolicyAlwaysWhoseGiveUpIsAFailure() {
		this.runner
			.withPropertyValues("sidecar.defaults.startup.grace=0", "sidecar.processes.quits.command=true",
					"sidecar.processes.always.command=true", "sidecar.processes.always.restart.policy=always",
					"sidecar.processes.always.restart.initial-delay=10ms",
					"sidecar.processes.always.restart.max-restarts=2")
			.run((context) -> {
				Sidecar quits = context.getBean("sidecar.quits", Sidecar.class);
				Sidecar always = context.getBean("sidecar.always", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> quits.state() == SidecarState.STOPPED);
				await().atMost(TIMEOUT).until(() -> always.state() == SidecarState.FAILED);
				assertThat(quits.status().restarts()).isZero();
				assertThat(quits.lastFailure()).isEqualTo("exited (exit code 0)");
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> quits.outbound().send(MessageBuilder.withPayload("late").build()))
					.withMessageContaining("cannot send while the sidecar is STOPPED: exited (exit code 0)");
				assertThat(always.status().restarts()).isEqualTo(2);
				assertThat(always.lastFailure()).contains("gave up after 2 restarts within 1m");
				HealthIndicator alwaysHealth = (HealthIndicator) new SidecarsHealthContributor(
						context.getBean(SidecarRegistry.class))
					.getContributor("always");
				assertThat(alwaysHealth.health().getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void killedChildFailsOutstandingRequestsAndTheRestartedChildAnswers() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=cat",
					"sidecar.processes.echo.restart.initial-delay=10ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
				int total = 10_000;
				List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
				long killedAt = 0;
				for (int i = 0; i < total; i++) {
					replies.add(sidecar.requestAsync("r" + i, TIMEOUT));
					if (i == total / 2) {
						killedAt = System.nanoTime();
						ProcessHandle.of(sidecar.pid()).orElseThrow().destroyForcibly();
					}
				}
				CompletableFuture<Void> all = CompletableFuture.allOf(replies.stream()
					.map((reply) -> reply.handle((message, failure) -> null))
					.toArray(CompletableFuture[]::new));
				all.get(30, TimeUnit.SECONDS);
				logger.info("chaos: all {} requests settled {} ms after the kill", total,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
				int replied = 0;
				int failed = 0;
				for (int i = 0; i < total; i++) {
					try {
						assertThat(replies.get(i).get().getPayload()).isEqualTo("r" + i);
						replied++;
					}
					catch (ExecutionException ex) {
						assertThat(ex.getCause()).isInstanceOf(SidecarExitedException.class);
						failed++;
					}
				}
				logger.info("chaos: {} replied, {} failed", replied, failed);
				assertThat(replied + failed).isEqualTo(total);
				await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.RUNNING);
				assertThat(sidecar.request("after", TIMEOUT).getPayload()).isEqualTo("after");
				assertThat(sidecar.status().restarts()).isEqualTo(1);
			});
	}

	@Test
	void messagesNeverWrittenToAKilledChildGoToTheRestartedChildInOrder() {
		this.runner
			.withPropertyValues("sidecar.processes.slow.command=python3," + Children.script("crash_once.py"),
					"sidecar.processes.slow.environment.CRASH_ONCE_MARKER=" + this.temp.resolve("marker"),
					"sidecar.processes.slow.environment.CRASH_ONCE_MODE=block",
					"sidecar.processes.slow.outbound-capacity=500", "sidecar.processes.slow.restart.initial-delay=10ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.slow", Sidecar.class);
				BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
				int total = 50_000;
				String padding = "-".repeat(40);
				AtomicInteger accepted = new AtomicInteger();
				Thread sender = new Thread(() -> {
					for (int i = 0; i < total; i++) {
						sidecar.outbound().send(MessageBuilder.withPayload(i + padding).build());
						accepted.incrementAndGet();
					}
				});
				sender.start();
				// The blocked child fills the socket buffers, then the outbound queue,
				// then the sender waits.
				await().atMost(TIMEOUT).until(() -> sender.getState() == Thread.State.WAITING);
				// the first child marks that it runs, so the restarted one knows to echo
				await().atMost(TIMEOUT).until(() -> java.nio.file.Files.exists(this.temp.resolve("marker")));
				int acceptedBeforeKill = accepted.get();
				ProcessHandle.of(sidecar.pid()).orElseThrow().destroyForcibly();
				sender.join(TimeUnit.SECONDS.toMillis(60));
				assertThat(accepted.get()).isEqualTo(total);
				await().atMost(TIMEOUT)
					.until(() -> received.stream()
						.anyMatch((message) -> message.getPayload().equals((total - 1) + padding)));
				List<Integer> numbers = received.stream()
					.map((message) -> Integer.parseInt(((String) message.getPayload()).replace(padding, "")))
					.toList();
				int first = numbers.get(0);
				logger.info("redelivery: {} accepted before the kill, the restarted child got {} .. {}",
						acceptedBeforeKill, first, total - 1);
				assertThat(first).isPositive().isLessThan(acceptedBeforeKill);
				for (int i = 0; i < numbers.size(); i++) {
					assertThat(numbers.get(i)).isEqualTo(first + i);
				}
			});
	}

	@Test
	void messagesThatCanNeverBeWrittenAreReportedOnTheErrorChannel() {
		this.runner
			.withPropertyValues("sidecar.processes.deaf.command=sh,-c,exec sleep 1000",
					"sidecar.processes.deaf.outbound-capacity=100", "sidecar.processes.deaf.stop-timeout=100ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.deaf", Sidecar.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				int accepted = 0;
				while (sidecar.outbound().send(MessageBuilder.withPayload("payload-" + accepted).build(), 100)) {
					accepted++;
				}
				sidecar.stop();
				double written = context.getBean(MeterRegistry.class).get("sidecar.messages.sent").counter().count();
				assertThat(written).isPositive();
				// Written to the socket is not read: the child never read any of them.
				assertThat(errors).hasSize(accepted);
				ErrorMessage error = (ErrorMessage) errors.peek();
				MessageDeliveryException problem = (MessageDeliveryException) error.getPayload();
				assertThat(problem.getFailedMessage().getPayload()).isEqualTo("payload-0");
				assertThat(problem.getMessage()).contains("Sidecar 'deaf'").contains("not delivered");
				assertThat(context.getBean(MeterRegistry.class)
					.get("sidecar.errors")
					.tags("sidecar", "deaf", "type", "undelivered")
					.counter()
					.count()).isEqualTo(errors.size());
			});
	}

	@Test
	void inboundMessageWithNobodyListeningIsReportedOnTheErrorChannel() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
			sidecar.outbound().send(MessageBuilder.withPayload("nobody listens").build());
			ErrorMessage error = (ErrorMessage) errors.poll(30, TimeUnit.SECONDS);
			assertThat(((MessageDeliveryException) error.getPayload()).getFailedMessage().getPayload())
				.isEqualTo("nobody listens");
		});
	}

	@Test
	void hugeLengthHeaderIsAProtocolViolationThatRestartsTheChild() {
		this.runner.withPropertyValues("sidecar.processes.liar.command=python3," + Children.script("bad_length.py"),
				"sidecar.processes.liar.framing=length-prefixed", "sidecar.processes.liar.restart.initial-delay=10ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.liar", Sidecar.class);
				assertThatExceptionOfType(SidecarExitedException.class).isThrownBy(() -> sidecar.request("hi", TIMEOUT))
					.withMessageContaining("Sidecar 'liar'")
					.withMessageContaining("2147483647 bytes")
					.withMessageContaining("max-message-size (1048576 bytes)")
					.withMessageContaining("7f ff ff ff");
				await().atMost(TIMEOUT).until(() -> sidecar.status().restarts() == 1);
				assertThat(context.getBean(MeterRegistry.class)
					.get("sidecar.errors")
					.tags("sidecar", "liar", "type", "protocol")
					.counter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void overlongLinesAndInvalidUtf8AreReportedAndTheChannelKeepsWorking() {
		this.runner
			.withPropertyValues("sidecar.processes.hostile.command=python3," + Children.script("hostile.py"),
					"sidecar.processes.hostile.max-message-size=1KB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.hostile", Sidecar.class);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.request("long", TIMEOUT))
					.withMessageContaining("Sidecar 'hostile'")
					.withMessageContaining("longer than max-message-size (1024 bytes)");
				assertThat(sidecar.request("badutf8", TIMEOUT).getPayload()).isEqualTo("bad \uFFFD\uFFFD bytes");
				assertThat(sidecar.request("fine", TIMEOUT).getPayload()).isEqualTo("fine");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("sidecar.errors").tags("type", "oversize-line").counter().count()).isEqualTo(1);
				assertThat(meters.get("sidecar.errors").tags("type", "invalid-utf8").counter().count()).isEqualTo(1);
				assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
			});
	}

	@Test
	void oversizeSeqpacketRecordIsReportedNotDelivered() {
		this.runner
			.withPropertyValues("sidecar.processes.rec.command=python3," + Children.script("seqpacket_oversize.py"),
					"sidecar.processes.rec.transport=seqpacket", "sidecar.processes.rec.max-message-size=4KB")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.rec", Sidecar.class);
				CompletableFuture<Message<?>> big = sidecar.requestAsync("big", TIMEOUT);
				CompletableFuture<Message<?>> small = sidecar.requestAsync("small", TIMEOUT);
				// the dropped record fails its own request, so the next reply still lines
				// up with its request
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> big.get(30, TimeUnit.SECONDS))
					.withCauseInstanceOf(MessageDeliveryException.class)
					.withMessageContaining("max-message-size (4096 bytes)");
				assertThat((byte[]) small.get(30, TimeUnit.SECONDS).getPayload()).isEqualTo("small".getBytes());
				assertThat(context.getBean(MeterRegistry.class)
					.get("sidecar.errors")
					.tags("type", "oversize-record")
					.counter()
					.count()).isEqualTo(1);
			});
	}

}
