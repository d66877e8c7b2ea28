package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Raw request/reply and a child that does not answer every request: a late reply is
 * absorbed, a skipped one restarts the child instead of wedging every later request.
 */
class SidecarOutOfStepTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** Short enough to keep the test quick; the child's answers do not depend on it. */
	private static final Duration SHORT = Duration.ofMillis(300);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("sidecar.processes.odd.command=python3," + Children.script("skips_and_holds.py"));

	@Test
	void lateReplyIsTakenByItsOwnTimedOutRequestAndLaterRequestsWork() {
		this.runner.run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.odd", Sidecar.class);
			long pid = sidecar.pid();
			assertThatExceptionOfType(SidecarTimeoutException.class).isThrownBy(() -> sidecar.request("hold", SHORT));
			// The child answers "hold" now, late, then "next": each reply lines up with
			// its own request.
			assertThat(sidecar.request("next", TIMEOUT).getPayload()).isEqualTo("next");
			assertThat(sidecar.request("after", TIMEOUT).getPayload()).isEqualTo("after");
			assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
			assertThat(sidecar.pid()).isEqualTo(pid);
			assertThat(outOfStep(context.getBean(MeterRegistry.class))).isZero();
		});
	}

	@Test
	void skippedReplyRestartsTheChildAndLaterRequestsSucceed() {
		this.runner.run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.odd", Sidecar.class);
			long pid = sidecar.pid();
			assertThatExceptionOfType(SidecarTimeoutException.class).isThrownBy(() -> sidecar.request("skip", SHORT));
			// "b"'s reply lands on the timed-out "skip": "b" itself times out; "c"'s
			// reply then lands on "b".
			assertThatExceptionOfType(SidecarTimeoutException.class).isThrownBy(() -> sidecar.request("b", SHORT));
			assertThatExceptionOfType(SidecarExitedException.class).isThrownBy(() -> sidecar.request("c", TIMEOUT))
				.withMessageContaining("Sidecar 'odd'")
				.withMessageContaining("reply stream is out of step")
				.withMessageContaining("protocol: json-rpc");
			await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.RUNNING && sidecar.pid() != pid);
			assertThat(sidecar.request("d", TIMEOUT).getPayload()).isEqualTo("d");
			assertThat(sidecar.request("e", TIMEOUT).getPayload()).isEqualTo("e");
			assertThat(sidecar.lastFailure()).contains("reply stream is out of step");
			assertThat(sidecar.status().restarts()).isEqualTo(1);
			assertThat(outOfStep(context.getBean(MeterRegistry.class))).isEqualTo(1.0);
		});
	}

	private static double outOfStep(MeterRegistry meters) {
		Counter counter = meters.find("sidecar.errors").tags("sidecar", "odd", "type", "out-of-step").counter();
		return (counter != null) ? counter.count() : 0;
	}

}
