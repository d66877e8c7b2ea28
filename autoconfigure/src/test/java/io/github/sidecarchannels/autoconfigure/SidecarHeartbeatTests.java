package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code heartbeat.*}: real children that deadlock, stay silent, or are idle but alive.
 */
class SidecarHeartbeatTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void deadlockedJsonRpcChildIsKilledAndRestartedWithinTheHeartbeatTimeout() {
		hungChildIsKilledAndRestartedWithinTheHeartbeatTimeout("python3," + Children.script("rpc_deadlocks.py"));
	}

	@Test
	void nodeChildWhoseEventLoopIsBlockedIsKilledAndRestartedWithinTheHeartbeatTimeout() {
		hungChildIsKilledAndRestartedWithinTheHeartbeatTimeout("node," + Children.script("rpc_deadlocks.js"));
	}

	private void hungChildIsKilledAndRestartedWithinTheHeartbeatTimeout(String command) {
		this.runner
			.withPropertyValues("sidecar.processes.stuck.command=" + command,
					"sidecar.processes.stuck.protocol=json-rpc", "sidecar.processes.stuck.heartbeat.interval=500ms",
					"sidecar.processes.stuck.heartbeat.timeout=1500ms",
					"sidecar.processes.stuck.restart.initial-delay=50ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.stuck", Sidecar.class);
				SidecarRpc rpc = context.getBean("sidecar.stuck.rpc", SidecarRpc.class);
				long firstPid = rpc.call("pid", null, Long.class);
				ProcessHandle first = ProcessHandle.of(firstPid).orElseThrow();
				CompletableFuture<String> stuck = rpc.callAsync("deadlock", null, String.class, TIMEOUT);
				await().atMost(Duration.ofMillis(1500).plusSeconds(1))
					.until(() -> !first.isAlive() && sidecar.state() == SidecarState.RUNNING
							&& sidecar.pid() != firstPid);
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> stuck.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(SidecarExitedException.class)
					.withMessageContaining("Sidecar 'stuck' hung: no heartbeat within 1500ms");
				assertThat(hung(context.getBean(MeterRegistry.class), "stuck")).isEqualTo(1);
				assertThat(rpc.call("pid", null, Long.class)).isEqualTo(sidecar.pid());
			});
	}

	@Test
	void idleNodeChildThatAnswersPingsStaysUp() {
		idleChildThatAnswersPingsStaysUp("node," + Children.script("rpc_deadlocks.js"));
	}

	@Test
	void idleJsonRpcChildThatAnswersPingsStaysUp() {
		idleChildThatAnswersPingsStaysUp("python3," + Children.script("rpc_deadlocks.py"));
	}

	private void idleChildThatAnswersPingsStaysUp(String command) {
		this.runner
			.withPropertyValues("sidecar.processes.idle.command=" + command, "sidecar.processes.idle.protocol=json-rpc",
					"sidecar.processes.idle.heartbeat.interval=100ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.idle", Sidecar.class);
				long pid = sidecar.pid();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// Ten pings answered take three times as long as the timeout (300ms) to
				// come about.
				await().atMost(TIMEOUT).until(() -> pings(meters, "idle") >= 10);
				assertThat(sidecar.pid()).isEqualTo(pid);
				assertThat(sidecar.status().restarts()).isZero();
				assertThat(hung(meters, "idle")).isZero();
			});
	}

	@Test
	void silentRawChildIsKilledAsHung() {
		this.runner
			.withPropertyValues("sidecar.processes.quiet.command=sh,-c,echo up; exec cat",
					"sidecar.processes.quiet.heartbeat.interval=200ms",
					"sidecar.processes.quiet.restart.initial-delay=50ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.quiet", Sidecar.class);
				long firstPid = sidecar.pid();
				await().atMost(Duration.ofMillis(600).plusSeconds(1))
					.until(() -> sidecar.status().restarts() >= 1 && sidecar.pid() != firstPid);
				assertThat(sidecar.lastFailure()).contains("hung: no heartbeat within 600ms");
				assertThat(hung(context.getBean(MeterRegistry.class), "quiet")).isGreaterThanOrEqualTo(1);
			});
	}

	@Test
	void timeoutNotLongerThanTheIntervalIsRejectedNamingTheSetting() {
		this.runner
			.withPropertyValues("sidecar.processes.bad.command=cat", "sidecar.processes.bad.heartbeat.interval=1s",
					"sidecar.processes.bad.heartbeat.timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(SidecarConfigurationException.class)
				.hasMessageContaining("heartbeat.timeout")
				.hasMessageContaining("longer than heartbeat.interval"));
	}

	private static double hung(MeterRegistry meters, String sidecar) {
		Counter counter = meters.find("sidecar.errors").tags("sidecar", sidecar, "type", "hung").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static long pings(MeterRegistry meters, String sidecar) {
		return meters.find("sidecar.requests")
			.tags("sidecar", sidecar, "method", "$/ping")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}
