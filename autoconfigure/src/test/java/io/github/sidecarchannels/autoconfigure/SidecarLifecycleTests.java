package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Starting, stopping and losing real children.
 */
class SidecarLifecycleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void childThatHonoursEndOfInputExitsWithZeroOnStop() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=python3," + Children.script("stderr_then_echo.py"))
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
				assertThat(sidecar.request("ping", TIMEOUT).getPayload()).isEqualTo("ping");
				ProcessHandle child = ProcessHandle.of(sidecar.pid()).orElseThrow();
				sidecar.stop();
				assertThat(child.isAlive()).isFalse();
				assertThat(sidecar.status().lastExitCode()).isZero();
				assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
				assertThat(sidecar.lastFailure()).isNull();
				assertThat(sidecar.pid()).isEqualTo(-1);
			});
	}

	@Test
	void messagesAcceptedBeforeStopAreDeliveredBeforeEndOfInput() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
			BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
			for (int i = 0; i < 2000; i++) {
				sidecar.outbound().send(MessageBuilder.withPayload("m" + i).build());
			}
			sidecar.stop();
			assertThat(received).hasSize(2000);
			assertThat(received.peek().getPayload()).isEqualTo("m0");
			assertThatExceptionOfType(MessageDeliveryException.class)
				.isThrownBy(() -> sidecar.outbound().send(MessageBuilder.withPayload("late").build()))
				.withMessageContaining("STOPPED");
		});
	}

	@Test
	void childIgnoringEndOfInputAndSigtermIsKilledWithItsDescendants() {
		this.runner
			.withPropertyValues("sidecar.processes.stubborn.command=python3," + Children.script("stubborn.py"),
					"sidecar.processes.stubborn.stop-timeout=500ms", "sidecar.processes.stubborn.auto-startup=false")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.stubborn", Sidecar.class);
				// Subscribed before the start: the child announces its grandchild at
				// once.
				BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
				sidecar.start();
				long grandchildPid = Long.parseLong((String) received.poll(30, TimeUnit.SECONDS).getPayload());
				ProcessHandle child = ProcessHandle.of(sidecar.pid()).orElseThrow();
				ProcessHandle grandchild = ProcessHandle.of(grandchildPid).orElseThrow();
				sidecar.stop();
				assertThat(child.isAlive()).isFalse();
				await().atMost(Duration.ofSeconds(5)).until(() -> !grandchild.isAlive());
				assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
			});
	}

	@Test
	void stderrLinesReachTheSidecarLoggerAndTheTail() {
		Logger logger = (Logger) LoggerFactory.getLogger("sidecar.chatty");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			this.runner
				.withPropertyValues(
						"sidecar.processes.chatty.command=python3," + Children.script("stderr_then_echo.py"))
				.run((context) -> {
					Sidecar sidecar = context.getBean("sidecar.chatty", Sidecar.class);
					await().atMost(TIMEOUT).until(() -> appender.list.size() >= 2);
					assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
						.containsExactly("hello from the child", "second line");
					assertThat(sidecar.stderrTail()).containsExactly("hello from the child", "second line");
				});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void childExitingMidRequestFailsPendingRequestsWithExitCodeAndStderr() {
		this.runner
			.withPropertyValues("sidecar.processes.fragile.command=python3," + Children.script("dies_on_request.py"),
					"sidecar.processes.fragile.restart.policy=never")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.fragile", Sidecar.class);
				CompletableFuture<Message<?>> first = sidecar.requestAsync("one", TIMEOUT);
				CompletableFuture<Message<?>> second = sidecar.requestAsync("two", TIMEOUT);
				for (CompletableFuture<Message<?>> reply : java.util.List.of(first, second)) {
					assertThatExceptionOfType(ExecutionException.class).isThrownBy(reply::get)
						.havingCause()
						.isInstanceOfSatisfying(SidecarExitedException.class, (ex) -> {
							assertThat(ex.getSidecarName()).isEqualTo("fragile");
							assertThat(ex.getExitCode()).isEqualTo(3);
							assertThat(ex.getStderrTail()).contains("boom: cannot handle this request");
							assertThat(ex.getMessage()).contains("exit code 3").contains("boom");
						});
				}
				assertThat(sidecar.state()).isEqualTo(SidecarState.FAILED);
				assertThat(sidecar.lastFailure()).contains("exit code 3");
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.request("three", TIMEOUT))
					.withMessageContaining("FAILED")
					.withMessageContaining("exit code 3");
			});
	}

	@Test
	void sidecarWithAutoStartupOffStartsOnDemand() {
		this.runner
			.withPropertyValues("sidecar.processes.lazy.command=cat", "sidecar.processes.lazy.auto-startup=false")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.lazy", Sidecar.class);
				assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
				assertThatExceptionOfType(MessageDeliveryException.class)
					.isThrownBy(() -> sidecar.request("early", TIMEOUT))
					.withMessageContaining("Sidecar 'lazy'")
					.withMessageContaining("STOPPED");
				sidecar.start();
				assertThat(sidecar.request("now", TIMEOUT).getPayload()).isEqualTo("now");
			});
	}

	@Test
	void requestWithoutReplyTimesOutAndKeepsItsPlaceInTheOrder() {
		this.runner.withPropertyValues("sidecar.processes.sink.command=sh,-c,cat > /dev/null").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.sink", Sidecar.class);
			assertThatExceptionOfType(io.github.sidecarchannels.core.SidecarTimeoutException.class)
				.isThrownBy(() -> sidecar.request("anyone?", Duration.ofMillis(200)))
				.withMessageContaining("Sidecar 'sink'")
				.withMessageContaining("no reply");
		});
	}

}
