package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.ReadySignal;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarStartException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code startup.ready: message}: real children that load before they signal readiness,
 * and one that never does.
 */
class SidecarReadinessTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void rawChildIsWrittenToOnlyAfterItsReadyMessageWhichIsNotDelivered() {
		this.runner
			.withPropertyValues("sidecar.processes.model.command=python3," + Children.script("loads_then_ready.py"),
					"sidecar.processes.model.startup.ready=message", "sidecar.processes.model.auto-startup=false",
					"sidecar.processes.model.environment.READY_DELAY=2")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.model", Sidecar.class);
				assertThat(sidecar.definition().readySignal()).isEqualTo(ReadySignal.MESSAGE);
				BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
				sidecar.start();
				assertThat(sidecar.state()).isEqualTo(SidecarState.STARTING);
				for (int i = 0; i < 3; i++) {
					sidecar.outbound().send(MessageBuilder.withPayload("m" + i).build());
				}
				List<Object> payloads = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					payloads.add(received.poll(30, TimeUnit.SECONDS).getPayload());
				}
				assertThat(payloads).containsExactly("bytes-before-ready:no", "m0", "m1", "m2");
				assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
				assertThat(sidecar.request("after", TIMEOUT).getPayload()).isEqualTo("after");
				assertThat(received).isEmpty();
			});
	}

	@Test
	void jsonRpcCallMadeWhileTheChildLoadsIsWrittenOnlyOnceItSentReady() {
		jsonRpcChildThatSendsReadyLateReadsNothingBefore("python3," + Children.script("rpc_loads_then_ready.py"));
	}

	@Test
	void nodeJsonRpcChildThatCallsReadyLateReadsNothingBefore() {
		jsonRpcChildThatSendsReadyLateReadsNothingBefore("node," + Children.script("rpc_loads_then_ready.js"));
	}

	private void jsonRpcChildThatSendsReadyLateReadsNothingBefore(String command) {
		this.runner
			.withPropertyValues("sidecar.processes.model.command=" + command,
					"sidecar.processes.model.protocol=json-rpc", "sidecar.processes.model.startup.ready=message",
					"sidecar.processes.model.auto-startup=false", "sidecar.processes.model.environment.READY_DELAY=2")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.model", Sidecar.class);
				SidecarRpc rpc = context.getBean("sidecar.model.rpc", SidecarRpc.class);
				sidecar.start();
				assertThat(sidecar.state()).isEqualTo(SidecarState.STARTING);
				CompletableFuture<Before> before = rpc.callAsync("before", null, Before.class, TIMEOUT);
				assertThat(before.get(30, TimeUnit.SECONDS).bytesBeforeReady()).isFalse();
				assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
				assertThat(rpc.call("upper", new Text("ready"), String.class)).isEqualTo("READY");
			});
	}

	@Test
	void applicationStartupWaitsUntilTheChildIsReady() {
		this.runner.withPropertyValues("sidecar.processes.model.command=node," + Children.script("loads_then_ready.js"),
				"sidecar.processes.model.startup.ready=message", "sidecar.processes.model.environment.READY_DELAY=1",
				"sidecar.processes.other.command=python3," + Children.script("rpc_loads_then_ready.py"),
				"sidecar.processes.other.protocol=json-rpc", "sidecar.processes.other.startup.ready=message",
				"sidecar.processes.other.environment.READY_DELAY=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("sidecar.model", Sidecar.class).state()).isEqualTo(SidecarState.RUNNING);
				assertThat(context.getBean("sidecar.other", Sidecar.class).state()).isEqualTo(SidecarState.RUNNING);
				assertThat(context.getBean("sidecar.model", Sidecar.class).request("node", TIMEOUT).getPayload())
					.isEqualTo("NODE");
			});
	}

	@Test
	void childThatNeverSignalsReadinessFailsStartupNamingTheTimeout() {
		this.runner
			.withPropertyValues("sidecar.processes.model.command=python3," + Children.script("rpc_loads_then_ready.py"),
					"sidecar.processes.model.protocol=json-rpc", "sidecar.processes.model.startup.ready=message",
					"sidecar.processes.model.startup.timeout=2s", "sidecar.processes.model.environment.READY_DELAY=0",
					"sidecar.processes.model.environment.NEVER_READY=1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(startException(context.getStartupFailure()))
					.hasMessageContaining("Sidecar 'model': did not become ready")
					.hasMessageContaining("did not signal readiness within startup.timeout (2s)")
					.hasMessageContaining("raise startup.timeout");
			});
	}

	@Test
	void unreadyChildIsRestartedPerPolicyWhenNotFailFastAndKeepsWhatWasSent() {
		this.runner
			.withPropertyValues("sidecar.processes.model.command=python3," + Children.script("rpc_loads_then_ready.py"),
					"sidecar.processes.model.protocol=json-rpc", "sidecar.processes.model.startup.ready=message",
					"sidecar.processes.model.startup.timeout=1s", "sidecar.processes.model.fail-fast=false",
					"sidecar.processes.model.restart.initial-delay=100ms",
					"sidecar.processes.model.environment.READY_DELAY=0",
					"sidecar.processes.model.environment.NEVER_READY=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar sidecar = context.getBean("sidecar.model", Sidecar.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> sidecar.status().restarts() >= 1);
				assertThat(sidecar.lastFailure()).contains("did not signal readiness within startup.timeout (1s)");
				sidecar.stop();
				assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
			});
	}

	@Test
	void stopWhileStartingEndsTheChildAndReportsWhatWasNeverWritten() {
		this.runner
			.withPropertyValues("sidecar.processes.model.command=python3," + Children.script("loads_then_ready.py"),
					"sidecar.processes.model.startup.ready=message", "sidecar.processes.model.auto-startup=false",
					"sidecar.processes.model.environment.READY_DELAY=30")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.model", Sidecar.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				sidecar.start();
				ProcessHandle child = ProcessHandle.of(sidecar.pid()).orElseThrow();
				sidecar.outbound().send(MessageBuilder.withPayload("never written").build());
				sidecar.stop();
				assertThat(child.isAlive()).isFalse();
				assertThat(sidecar.state()).isEqualTo(SidecarState.STOPPED);
				assertThat(errors.poll(10, TimeUnit.SECONDS)).isNotNull();
			});
	}

	private static SidecarStartException startException(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null && !(candidate instanceof SidecarStartException)) {
			candidate = candidate.getCause();
		}
		assertThat(candidate).as("a SidecarStartException in %s", failure).isNotNull();
		return (SidecarStartException) candidate;
	}

	record Before(boolean bytesBeforeReady) {
	}

	record Text(String text) {
	}

}
