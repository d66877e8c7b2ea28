package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

/**
 * Liveness of one child: anything it sends counts as a sign of life. Every interval a check runs on the
 * scheduler; a child silent for an interval is pinged (when the protocol can, json-rpc's {@code $/ping}),
 * one silent for the timeout is hung. Pings and the hung action may block (a full outbound buffer, a
 * kill), so they run on threads of their own, never on the shared scheduler's.
 */
final class Heartbeat {

	private final String sidecarName;

	private final Duration interval;

	private final Duration timeout;

	private final SidecarScheduler scheduler;

	private final @Nullable Runnable ping;

	private final Runnable hung;

	private volatile long lastHeardNanos;

	private volatile boolean stopped;

	private volatile @Nullable ScheduledFuture<?> nextCheck;

	/**
	 * @param sidecarName names the threads
	 * @param interval how often to check (and to ping an idle child)
	 * @param timeout how long the child may stay silent
	 * @param scheduler runs the checks
	 * @param ping asks the child for a sign of life, or {@code null} when the child must send one itself
	 * @param hung run once when the child stayed silent for the timeout
	 */
	Heartbeat(String sidecarName, Duration interval, Duration timeout, SidecarScheduler scheduler,
			@Nullable Runnable ping, Runnable hung) {
		this.sidecarName = sidecarName;
		this.interval = interval;
		this.timeout = timeout;
		this.scheduler = scheduler;
		this.ping = ping;
		this.hung = hung;
	}

	/** Start checking: the silence is counted from now. */
	void start() {
		heard();
		scheduleCheck(this.interval.toNanos());
	}

	/** The child sent something. */
	void heard() {
		this.lastHeardNanos = System.nanoTime();
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
		if (silentNanos >= this.timeout.toNanos()) {
			this.stopped = true;
			this.scheduler.scheduleBlocking(this.hung, Duration.ZERO, this.sidecarName, "hung");
			return;
		}
		Runnable pinger = this.ping;
		if (pinger != null && silentNanos >= this.interval.toNanos()) {
			this.scheduler.scheduleBlocking(pinger, Duration.ZERO, this.sidecarName, "ping");
		}
		scheduleCheck(Math.min(this.interval.toNanos(), this.timeout.toNanos() - silentNanos));
	}

}
