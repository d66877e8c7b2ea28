package io.github.sidecarchannels.core.supervision;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.SidecarState;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of a sidecar's lifecycle: starts a child through its {@link Runner},
 * stops it, and decides what happens when it goes away (restart with backoff, or give
 * up). Every state change goes through here and is told to the {@link Events} in order.
 * <p>
 * Start, stop and restarts after backoff run under one lock; the end of a child is
 * reported on the child's own thread and only moves the state on from {@code RUNNING}, so
 * a stop in progress always wins.
 */
public final class Supervisor {

	/** Bounds the wait for a child's clean-up after it is gone. */
	private static final Duration CLEANUP_WAIT = Duration.ofSeconds(5);

	private final String name;

	private final Runner runner;

	private final RestartSchedule restartSchedule;

	private final SidecarScheduler scheduler;

	private final Events events;

	private final AtomicReference<SidecarState> state = new AtomicReference<>(SidecarState.STOPPED);

	private final Object lifecycleMonitor = new Object();

	private final AtomicInteger restarts = new AtomicInteger();

	private volatile @Nullable String lastFailure;

	private volatile @Nullable String stateReason;

	private volatile @Nullable Child child;

	private volatile long startedNanos;

	private volatile @Nullable ScheduledFuture<?> scheduledRestart;

	/**
	 * @param name the sidecar's name
	 * @param policy when to restart
	 * @param runner starts children
	 * @param scheduler runs the backoff delays
	 * @param events told of every change
	 */
	public Supervisor(String name, RestartPolicy policy, Runner runner, SidecarScheduler scheduler, Events events) {
		this.name = name;
		this.runner = runner;
		this.restartSchedule = new RestartSchedule(policy);
		this.scheduler = scheduler;
		this.events = events;
	}

	/**
	 * Start a child unless one runs or a restart is pending; a failure to launch is
	 * thrown.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			SidecarState current = this.state.get();
			if (current == SidecarState.RUNNING || current == SidecarState.RESTARTING
					|| (current == SidecarState.STARTING && this.child != null)) {
				return;
			}
			this.restartSchedule.reset();
			launchOrFail(current);
		}
	}

	/** Stop the child (or the pending restart) and wait until it is gone. */
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			SidecarState current = this.state.get();
			Child running = this.child;
			if ((current == SidecarState.RUNNING || current == SidecarState.STARTING) && running != null
					&& compareAndTransition(current, SidecarState.STOPPING, "stop requested")) {
				running.stop();
			}
			else if (current == SidecarState.RESTARTING
					&& compareAndTransition(current, SidecarState.STOPPING, "stop requested while restarting")) {
				cancelScheduledRestart();
			}
			awaitClosed();
			this.events.undeliverable("the sidecar was stopped before it was written");
			if (this.state.get() != SidecarState.STOPPED) {
				transition(SidecarState.STOPPED, "stopped");
			}
		}
	}

	/** Stop, then start with a clean restart budget: the way out of {@code FAILED}. */
	public void restart() {
		synchronized (this.lifecycleMonitor) {
			stop();
			start();
		}
	}

	/**
	 * Called once per child, on the child's own thread, when it is gone and before anyone
	 * waiting on it is told: the state says what happened first.
	 * @param child the child that ended
	 * @param failed whether it counts as a failure (non-zero exit, lost connection,
	 * protocol violation)
	 * @param reason what happened, for logs and {@link #lastFailure()}
	 */
	public void childEnded(Child child, boolean failed, String reason) {
		SidecarState current = this.state.get();
		if (child == this.child && (current == SidecarState.RUNNING || current == SidecarState.STARTING)) {
			afterChildGone(current, failed, reason);
		}
	}

	/**
	 * Called once, on the child's own thread, when a child that
	 * {@link Child#signalsReadiness() signals readiness} has done so: the sidecar moves
	 * from {@code STARTING} to {@code RUNNING}.
	 * @param child the child that is ready
	 * @return whether the child is still the current one and was starting (else it must
	 * not be used)
	 */
	public boolean childReady(Child child) {
		return child == this.child && compareAndTransition(SidecarState.STARTING, SidecarState.RUNNING,
				"pid " + child.pid() + " is ready");
	}

	private void launchOrFail(SidecarState from) {
		transition(SidecarState.STARTING, (from == SidecarState.RESTARTING) ? "restarting after backoff" : "starting");
		try {
			Child launched = this.runner.launch(this);
			this.child = launched;
			this.startedNanos = System.nanoTime();
			// RUNNING before the child's threads run, so a child that dies at once is
			// seen to fail.
			if (launched.signalsReadiness()) {
				transition(SidecarState.STARTING, "pid " + launched.pid() + " " + launched.description()
						+ ", waiting for it to signal readiness");
			}
			else {
				transition(SidecarState.RUNNING, "pid " + launched.pid() + " " + launched.description());
			}
			launched.begin();
		}
		catch (RuntimeException ex) {
			this.lastFailure = ex.getMessage();
			transition(SidecarState.FAILED, ex.getMessage());
			throw ex;
		}
	}

	/** Restart per policy, or stay down and report what can no longer be delivered. */
	private void afterChildGone(SidecarState from, boolean failed, String reason) {
		RestartPolicy policy = this.restartSchedule.policy();
		boolean wanted = policy.restartsAfter(failed);
		Duration delay = wanted ? this.restartSchedule.next(uptime()) : null;
		if (delay != null) {
			scheduleRestart(from, delay, reason);
			return;
		}
		// A give-up is a failure whatever the exit: a sidecar meant to run stays down for
		// good.
		String why = wanted ? reason + "; gave up after " + policy.maxRestarts() + " restarts within "
				+ Durations.format(policy.window()) : reason;
		this.lastFailure = why;
		if (compareAndTransition(from, (wanted || failed) ? SidecarState.FAILED : SidecarState.STOPPED, why)) {
			this.events.undeliverable(why);
		}
	}

	private void scheduleRestart(SidecarState from, Duration delay, String reason) {
		this.lastFailure = reason;
		if (compareAndTransition(from, SidecarState.RESTARTING,
				reason + "; restarting in " + Durations.format(delay))) {
			this.scheduledRestart = this.scheduler.scheduleBlocking(this::restartAfterBackoff, delay, this.name,
					"restart");
		}
	}

	private void restartAfterBackoff() {
		synchronized (this.lifecycleMonitor) {
			if (this.state.get() != SidecarState.RESTARTING) {
				return;
			}
			awaitClosed();
			try {
				launchOrFail(SidecarState.RESTARTING);
				this.restarts.incrementAndGet();
				this.events.restarted();
			}
			catch (RuntimeException ex) {
				afterChildGone(SidecarState.FAILED, true, String.valueOf(ex.getMessage()));
			}
		}
	}

	private void cancelScheduledRestart() {
		ScheduledFuture<?> pending = this.scheduledRestart;
		if (pending != null) {
			pending.cancel(false);
		}
	}

	private void awaitClosed() {
		Child last = this.child;
		if (last != null) {
			last.awaitClosed(CLEANUP_WAIT);
		}
	}

	private void transition(SidecarState next, String reason) {
		this.stateReason = reason;
		SidecarState previous = this.state.getAndSet(next);
		if (previous != next) {
			this.events.stateChanged(previous, next, reason);
		}
	}

	private boolean compareAndTransition(SidecarState expected, SidecarState next, String reason) {
		if (expected == next) {
			return this.state.get() == next;
		}
		if (!this.state.compareAndSet(expected, next)) {
			return false;
		}
		this.stateReason = reason;
		this.events.stateChanged(expected, next, reason);
		return true;
	}

	private Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/**
	 * @return the current state
	 */
	public SidecarState state() {
		return this.state.get();
	}

	/**
	 * @return why the sidecar last failed or its child last exited, or {@code null}
	 */
	public @Nullable String lastFailure() {
		return this.lastFailure;
	}

	/**
	 * @return why the sidecar is in its current state (e.g. {@code exited (exit code 0)}
	 * for a child that stopped on its own), or {@code null} before the first start
	 */
	public @Nullable String stateReason() {
		return this.stateReason;
	}

	/**
	 * @return automatic restarts so far
	 */
	public int restarts() {
		return this.restarts.get();
	}

	/**
	 * @return how long the current child has run, or {@code null} when none is running
	 */
	public @Nullable Duration uptimeIfRunning() {
		return (this.state.get() == SidecarState.RUNNING) ? uptime() : null;
	}

	/**
	 * @return the current or last child, or {@code null} before the first start
	 */
	public @Nullable Child child() {
		return this.child;
	}

	/**
	 * Starts children: the seam between supervision decisions and real processes (tests
	 * supply one that needs no process).
	 */
	public interface Runner {

		/**
		 * Launch one child. It must not run its own threads before {@link Child#begin()}.
		 * @param supervisor to be told through {@link Supervisor#childEnded} when the
		 * child is gone
		 * @return the launched child
		 * @throws RuntimeException naming what to fix when the child cannot be started
		 */
		Child launch(Supervisor supervisor);

	}

	/**
	 * One launched child.
	 */
	public interface Child {

		/**
		 * @return its process id
		 */
		long pid();

		/**
		 * @return what runs, for the log
		 */
		String description();

		/** Start watching the child; from now on it may report its end. */
		void begin();

		/**
		 * @return whether the sidecar stays {@code STARTING} until the child calls
		 * {@link Supervisor#childReady}; false (the default) makes it {@code RUNNING}
		 * once launched
		 */
		default boolean signalsReadiness() {
			return false;
		}

		/**
		 * Ask the child to finish and wait until it has (within the stop timeout, then by
		 * signals); its end is then reported as stopped, not as a failure.
		 */
		void stop();

		/**
		 * @param limit how long to wait for the child's clean-up (threads, sockets) to
		 * finish
		 */
		void awaitClosed(Duration limit);

	}

	/**
	 * What the supervisor tells the sidecar it supervises.
	 */
	public interface Events {

		/**
		 * @param previous the old state
		 * @param next the new state
		 * @param reason why, for people
		 */
		void stateChanged(SidecarState previous, SidecarState next, String reason);

		/**
		 * No child will take what was accepted and not yet written: report it.
		 * @param reason why
		 */
		void undeliverable(String reason);

		/** A child was started again after backoff. */
		void restarted();

	}

}
