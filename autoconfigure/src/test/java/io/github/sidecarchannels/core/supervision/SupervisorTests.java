package io.github.sidecarchannels.core.supervision;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's decisions, driven by a fake {@link Supervisor.Runner} whose children
 * are no processes: each test ends a child by hand and watches the states, reasons and
 * reports that follow.
 */
class SupervisorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final RestartPolicy FAST = new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, Duration.ofMillis(10),
			2.0, Duration.ofSeconds(1), Duration.ofMinutes(1), 3, Duration.ofMinutes(1));

	private final SidecarScheduler scheduler = SidecarScheduler.create("supervisor-tests");

	private final FakeRunner runner = new FakeRunner();

	private final RecordedEvents events = new RecordedEvents();

	@AfterEach
	void closeScheduler() {
		this.scheduler.close();
	}

	@Test
	void startRunsTheChild() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		assertThat(supervisor.state()).isEqualTo(SidecarState.RUNNING);
		assertThat(this.runner.launches()).isEqualTo(1);
		assertThat(this.runner.last().begun).isTrue();
		assertThat(this.events.states()).containsExactly("STOPPED->STARTING", "STARTING->RUNNING");
	}

	@Test
	void childThatSignalsReadinessStaysStartingUntilReady() {
		this.runner.readiness = true;
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		FakeChild child = this.runner.last();
		assertThat(child.begun).isTrue();
		assertThat(supervisor.state()).isEqualTo(SidecarState.STARTING);
		supervisor.start();
		assertThat(this.runner.launches()).isEqualTo(1);
		assertThat(supervisor.childReady(child)).isTrue();
		assertThat(supervisor.childReady(child)).isFalse();
		assertThat(supervisor.state()).isEqualTo(SidecarState.RUNNING);
		assertThat(this.events.states()).containsExactly("STOPPED->STARTING", "STARTING->RUNNING");
	}

	@Test
	void childEndingBeforeItIsReadyIsRestartedAndAStaleReadyIsIgnored() {
		this.runner.readiness = true;
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		FakeChild first = this.runner.last();
		supervisor.childEnded(first, true, "did not signal readiness within startup.timeout (1s)");
		assertThat(this.events.states()).contains("STARTING->RESTARTING");
		await().atMost(TIMEOUT).until(() -> this.runner.launches() == 2);
		assertThat(supervisor.childReady(first)).isFalse();
		assertThat(supervisor.state()).isEqualTo(SidecarState.STARTING);
		assertThat(supervisor.childReady(this.runner.last())).isTrue();
		assertThat(supervisor.lastFailure()).contains("startup.timeout");
	}

	@Test
	void stopWhileWaitingForReadinessStopsTheChild() {
		this.runner.readiness = true;
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		supervisor.stop();
		assertThat(this.runner.last().stopped).isTrue();
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
	}

	@Test
	void failedChildIsRestartedAfterBackoff() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		FakeChild first = this.runner.last();
		supervisor.childEnded(first, true, "exited (exit code 3)");
		assertThat(this.events.states()).contains("RUNNING->RESTARTING");
		await().atMost(TIMEOUT).until(() -> this.runner.launches() == 2 && supervisor.state() == SidecarState.RUNNING);
		assertThat(this.runner.last()).isNotSameAs(first);
		assertThat(supervisor.restarts()).isEqualTo(1);
		assertThat(this.events.restarted.get()).isEqualTo(1);
		assertThat(supervisor.lastFailure()).isEqualTo("exited (exit code 3)");
		assertThat(this.events.states()).containsExactly("STOPPED->STARTING", "STARTING->RUNNING",
				"RUNNING->RESTARTING", "RESTARTING->STARTING", "STARTING->RUNNING");
	}

	@Test
	void backoffDelaysGrowByTheMultiplier() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		for (int launch = 2; launch <= 4; launch++) {
			supervisor.childEnded(this.runner.last(), true, "crashed");
			int expected = launch;
			await().atMost(TIMEOUT)
				.until(() -> this.runner.launches() == expected && supervisor.state() == SidecarState.RUNNING);
		}
		assertThat(this.events.reasonsOf(SidecarState.RESTARTING)).containsExactly("crashed; restarting in 10ms",
				"crashed; restarting in 20ms", "crashed; restarting in 40ms");
	}

	@Test
	void intensityLimitGivesUpAsFailedWithTheReason() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		for (int launch = 2; launch <= 4; launch++) {
			supervisor.childEnded(this.runner.last(), true, "crashed");
			int expected = launch;
			await().atMost(TIMEOUT)
				.until(() -> this.runner.launches() == expected && supervisor.state() == SidecarState.RUNNING);
		}
		supervisor.childEnded(this.runner.last(), true, "crashed");
		assertThat(supervisor.state()).isEqualTo(SidecarState.FAILED);
		assertThat(supervisor.lastFailure()).isEqualTo("crashed; gave up after 3 restarts within 1m");
		assertThat(this.events.undeliverable).containsExactly("crashed; gave up after 3 restarts within 1m");
	}

	@Test
	void alwaysPolicyWithCleanExitsGivesUpAsFailed() {
		Supervisor supervisor = supervisor(FAST.withMode(RestartPolicy.Mode.ALWAYS));
		supervisor.start();
		for (int launch = 2; launch <= 4; launch++) {
			supervisor.childEnded(this.runner.last(), false, "exited (exit code 0)");
			int expected = launch;
			await().atMost(TIMEOUT)
				.until(() -> this.runner.launches() == expected && supervisor.state() == SidecarState.RUNNING);
		}
		supervisor.childEnded(this.runner.last(), false, "exited (exit code 0)");
		assertThat(supervisor.state()).isEqualTo(SidecarState.FAILED);
		assertThat(supervisor.lastFailure()).isEqualTo("exited (exit code 0); gave up after 3 restarts within 1m");
		assertThat(supervisor.stateReason()).isEqualTo(supervisor.lastFailure());
	}

	@Test
	void neverPolicyLeavesAnExitedChildStoppedAndSaysWhy() {
		Supervisor supervisor = supervisor(RestartPolicy.NEVER);
		supervisor.start();
		supervisor.childEnded(this.runner.last(), false, "exited (exit code 0)");
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
		assertThat(supervisor.lastFailure()).isEqualTo("exited (exit code 0)");
		assertThat(supervisor.stateReason()).isEqualTo("exited (exit code 0)");
		assertThat(this.events.undeliverable).containsExactly("exited (exit code 0)");
		assertThat(this.runner.launches()).isEqualTo(1);
	}

	@Test
	void neverPolicyLeavesACrashedChildFailed() {
		Supervisor supervisor = supervisor(RestartPolicy.NEVER);
		supervisor.start();
		supervisor.childEnded(this.runner.last(), true, "exited (exit code 1)");
		assertThat(supervisor.state()).isEqualTo(SidecarState.FAILED);
		assertThat(this.runner.launches()).isEqualTo(1);
	}

	@Test
	void stopWhileRestartingCancelsTheRestart() throws InterruptedException {
		Supervisor supervisor = supervisor(new RestartPolicy(RestartPolicy.Mode.ON_FAILURE, Duration.ofMillis(200), 2.0,
				Duration.ofSeconds(1), Duration.ofMinutes(1), 3, Duration.ofMinutes(1)));
		supervisor.start();
		supervisor.childEnded(this.runner.last(), true, "crashed");
		assertThat(supervisor.state()).isEqualTo(SidecarState.RESTARTING);
		supervisor.stop();
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
		// The timer runs its tasks in order: once a later one ran, the cancelled
		// restart's moment has passed.
		CountDownLatch later = new CountDownLatch(1);
		this.scheduler.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(400));
		assertThat(later.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.runner.launches()).isEqualTo(1);
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
		assertThat(this.events.states()).containsSubsequence("RUNNING->RESTARTING", "RESTARTING->STOPPING",
				"STOPPING->STOPPED");
	}

	@Test
	void launchFailureIsThrownAndLeavesTheSidecarFailed() {
		this.runner.failure.set(new IllegalStateException("no such program"));
		Supervisor supervisor = supervisor(FAST);
		assertThatIllegalStateException().isThrownBy(supervisor::start).withMessage("no such program");
		assertThat(supervisor.state()).isEqualTo(SidecarState.FAILED);
		assertThat(supervisor.lastFailure()).isEqualTo("no such program");
	}

	@Test
	void manualRestartLeavesFailedWithACleanBudget() {
		Supervisor supervisor = supervisor(RestartPolicy.NEVER);
		supervisor.start();
		supervisor.childEnded(this.runner.last(), true, "crashed");
		assertThat(supervisor.state()).isEqualTo(SidecarState.FAILED);
		supervisor.restart();
		assertThat(supervisor.state()).isEqualTo(SidecarState.RUNNING);
		assertThat(this.runner.launches()).isEqualTo(2);
		assertThat(this.events.states()).containsSubsequence("RUNNING->FAILED", "FAILED->STOPPED", "STOPPED->STARTING",
				"STARTING->RUNNING");
	}

	@Test
	void stopStopsTheChildAndReportsWhatIsLeft() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		FakeChild child = this.runner.last();
		supervisor.stop();
		assertThat(child.stopped).isTrue();
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
		assertThat(this.events.undeliverable).containsExactly("the sidecar was stopped before it was written");
		assertThat(this.events.states()).containsExactly("STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->STOPPING",
				"STOPPING->STOPPED");
		// A late report from the stopped child changes nothing.
		supervisor.childEnded(child, true, "exited (exit code 143)");
		assertThat(supervisor.state()).isEqualTo(SidecarState.STOPPED);
	}

	@Test
	void endOfAnOldChildIsIgnored() {
		Supervisor supervisor = supervisor(FAST);
		supervisor.start();
		FakeChild first = this.runner.last();
		supervisor.childEnded(first, true, "crashed");
		await().atMost(TIMEOUT).until(() -> supervisor.state() == SidecarState.RUNNING);
		supervisor.childEnded(first, true, "crashed again");
		assertThat(supervisor.state()).isEqualTo(SidecarState.RUNNING);
		assertThat(this.runner.launches()).isEqualTo(2);
	}

	private Supervisor supervisor(RestartPolicy policy) {
		return new Supervisor("fake", policy, this.runner, this.scheduler, this.events);
	}

	static final class FakeRunner implements Supervisor.Runner {

		private final List<FakeChild> children = new CopyOnWriteArrayList<>();

		private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

		volatile boolean readiness;

		@Override
		public Supervisor.Child launch(Supervisor supervisor) {
			RuntimeException toThrow = this.failure.get();
			if (toThrow != null) {
				throw toThrow;
			}
			FakeChild child = new FakeChild(1000 + this.children.size());
			child.signalsReadiness = this.readiness;
			this.children.add(child);
			return child;
		}

		int launches() {
			return this.children.size();
		}

		FakeChild last() {
			return this.children.get(this.children.size() - 1);
		}

	}

	static final class FakeChild implements Supervisor.Child {

		private final long pid;

		volatile boolean begun;

		volatile boolean stopped;

		volatile boolean signalsReadiness;

		FakeChild(long pid) {
			this.pid = pid;
		}

		@Override
		public long pid() {
			return this.pid;
		}

		@Override
		public String description() {
			return "[fake]";
		}

		@Override
		public boolean signalsReadiness() {
			return this.signalsReadiness;
		}

		@Override
		public void begin() {
			this.begun = true;
		}

		@Override
		public void stop() {
			this.stopped = true;
		}

		@Override
		public void awaitClosed(Duration limit) {
		}

	}

	static final class RecordedEvents implements Supervisor.Events {

		private final List<String> transitions = new CopyOnWriteArrayList<>();

		private final List<String> reasons = new CopyOnWriteArrayList<>();

		final List<String> undeliverable = new CopyOnWriteArrayList<>();

		final AtomicInteger restarted = new AtomicInteger();

		@Override
		public void stateChanged(SidecarState previous, SidecarState next, String reason) {
			this.transitions.add(previous + "->" + next);
			this.reasons.add(next + ":" + reason);
		}

		@Override
		public void undeliverable(String reason) {
			this.undeliverable.add(reason);
		}

		@Override
		public void restarted() {
			this.restarted.incrementAndGet();
		}

		List<String> states() {
			return List.copyOf(this.transitions);
		}

		List<String> reasonsOf(SidecarState state) {
			return this.reasons.stream()
				.filter((reason) -> reason.startsWith(state + ":"))
				.map((reason) -> reason.substring(state.name().length() + 1))
				.toList();
		}

	}

}
