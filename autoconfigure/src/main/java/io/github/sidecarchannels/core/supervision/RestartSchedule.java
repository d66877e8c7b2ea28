package io.github.sidecarchannels.core.supervision;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.github.sidecarchannels.core.RestartPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The bookkeeping behind a {@link RestartPolicy}: the backoff delay so far and the
 * restarts inside the intensity window. Used by one sidecar under its lifecycle lock or
 * from its reading thread, never both at once.
 */
public final class RestartSchedule {

	private final RestartPolicy policy;

	/**
	 * Restart times (nanoTime) inside the window; never more than {@code max-restarts}
	 * entries.
	 */
	private final Deque<Long> recent = new ArrayDeque<>();

	private @Nullable Duration lastDelay;

	public RestartSchedule(RestartPolicy policy) {
		this.policy = policy;
	}

	/**
	 * Book a restart.
	 * @param uptime how long the child that exited was up
	 * @return the delay before it, or {@code null} when the intensity limit is reached
	 */
	public synchronized @Nullable Duration next(Duration uptime) {
		long now = System.nanoTime();
		while (!this.recent.isEmpty() && now - this.recent.peekFirst() > this.policy.window().toNanos()) {
			this.recent.removeFirst();
		}
		if (this.recent.size() >= this.policy.maxRestarts()) {
			return null;
		}
		this.recent.addLast(now);
		this.lastDelay = this.policy.nextDelay(this.lastDelay, uptime);
		return this.lastDelay;
	}

	/** A manual start begins with a clean slate. */
	public synchronized void reset() {
		this.recent.clear();
		this.lastDelay = null;
	}

	public RestartPolicy policy() {
		return this.policy;
	}

}
