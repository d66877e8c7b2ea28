package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Liveness of one child: anything it sends counts as a sign of life. Every interval a
 * check runs on the scheduler; a child silent for an interval is pinged (when the
 * protocol can, json-rpc's {@code $/ping}), one silent for the timeout is hung. Until its
 * first sign of life a child spawned without a readiness signal may still be loading, so
 * it gets the longer first timeout instead. Pings and the hung action may block (a full
 * outbound buffer, a kill), so they run on threads of their own, never on the shared
 * scheduler's.
 */
final class Heartbeat {

	private final String sidecarName;

	private final Duration interval;

	private final Duration timeout;

	private final Duration firstTimeout;

	private final SidecarScheduler scheduler;

	private final @Nullable Runnable ping;

	private final Consumer<Boolean> hung;

	private volatile long lastHeardNanos;

	private volatile boolean heardOnce;

	private volatile boolean stopped;

	private volatile @Nullable ScheduledFuture<?> nextCheck;

	/**
	 * @param sidecarName names the threads
	 * @param interval how often to check (and to ping an idle child)
	 * @param timeout how long the child may stay silent
	 * @param firstTimeout how long it may take to its first sign of life, when started
	 * with none
	 * @param scheduler runs the checks
	 * @param ping asks the child for a sign of life, or {@code null} when the child must
	 * send one itself
	 * @param hung run once when the child stayed silent too long, told whether it had
	 * ever spoken
	 */
	Heartbeat(String sidecarName, Duration interval, Duration timeout, Duration firstTimeout,
			SidecarScheduler scheduler, @Nullable Runnable ping, Consumer<Boolean> hung) {
		this.sidecarName = sidecarName;
		this.interval = interval;
		this.timeout = timeout;
		this.firstTimeout = (firstTimeout.compareTo(timeout) > 0) ? firstTimeout : timeout;
		this.scheduler = scheduler;
		this.ping = ping;
		this.hung = hung;
	}

	/**
	 * Start checking: the silence is counted from now.
	 * @param childSpoke whether the child has sent something already (its readiness
	 * signal)
	 */
	void start(boolean childSpoke) {
		this.lastHeardNanos = System.nanoTime();
		this.heardOnce = this.heardOnce || childSpoke;
		scheduleCheck(this.interval.toNanos());
	}

	/** The child sent something. */
	void heard() {
		this.lastHeardNanos = System.nanoTime();
		this.heardOnce = true;
	}

	/** No more checks (the child is gone or being stopped). */
	void stop() {
		this.stopped = true;
		ScheduledFuture<?> next = this.nextCheck;
		if (next != null) {
			next.cancel(false);
		}
	}

	private void scheduleCheck(long delayNanos) {
		if (!this.stopped) {
			this.nextCheck = this.scheduler.schedule(this::check, delayNanos);
		}
	}

	private void check() {
		if (this.stopped) {
			return;
		}
		long silentNanos = System.nanoTime() - this.lastHeardNanos;
		boolean spoke = this.heardOnce;
		long limitNanos = (spoke ? this.timeout : this.firstTimeout).toNanos();
		if (silentNanos >= limitNanos) {
			this.stopped = true;
			this.scheduler.scheduleBlocking(() -> this.hung.accept(spoke), Duration.ZERO, this.sidecarName, "hung");
			return;
		}
		Runnable pinger = this.ping;
		if (pinger != null && silentNanos >= this.interval.toNanos()) {
			this.scheduler.scheduleBlocking(pinger, Duration.ZERO, this.sidecarName, "ping");
		}
		scheduleCheck(Math.min(this.interval.toNanos(), limitNanos - silentNanos));
	}

}
