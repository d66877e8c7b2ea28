package io.github.sidecarchannels.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When and how fast a sidecar's child is started again after it exits on its own:
 * exponential backoff with a ceiling, reset after a long enough run, and an intensity
 * limit after which the sidecar gives up ({@link SidecarState#FAILED}) until someone
 * calls {@link Sidecar#restart()}.
 *
 * @param mode which exits lead to a restart
 * @param initialDelay the first backoff delay
 * @param multiplier the factor applied to the delay after each restart
 * @param maxDelay the longest backoff delay
 * @param resetAfter a child that stayed up this long gets the initial delay again
 * @param maxRestarts the most restarts allowed within {@code window}
 * @param window the sliding window the restarts are counted in
 */
public record RestartPolicy(Mode mode, Duration initialDelay, double multiplier, Duration maxDelay, Duration resetAfter,
		int maxRestarts, Duration window) {

	/**
	 * The shortest {@code initialDelay} accepted: below it a crashing child turns into a
	 * busy loop.
	 */
	public static final Duration MIN_INITIAL_DELAY = Duration.ofMillis(10);

	/**
	 * The defaults: on-failure, 100ms doubling to 30s, reset after 60s, at most 5
	 * restarts per 60s.
	 */
	public static final RestartPolicy DEFAULT = new RestartPolicy(Mode.ON_FAILURE, Duration.ofMillis(100), 2.0,
			Duration.ofSeconds(30), Duration.ofSeconds(60), 5, Duration.ofSeconds(60));

	/** Never restart: a child that exits stays down. */
	public static final RestartPolicy NEVER = DEFAULT.withMode(Mode.NEVER);

	/**
	 * Which exits lead to a restart.
	 */
	public enum Mode {

		/** Never restart. */
		NEVER,

		/** Restart after a non-zero exit, a death by signal or a protocol violation. */
		ON_FAILURE,

		/** Restart after every exit that was not requested by a stop. */
		ALWAYS

	}

	/**
	 * @param mode which exits lead to a restart
	 * @return this policy with another mode
	 */
	public RestartPolicy withMode(Mode mode) {
		return new RestartPolicy(mode, this.initialDelay, this.multiplier, this.maxDelay, this.resetAfter,
				this.maxRestarts, this.window);
	}

	/**
	 * @param failed whether the exit was a failure
	 * @return whether such an exit is followed by a restart
	 */
	public boolean restartsAfter(boolean failed) {
		return this.mode == Mode.ALWAYS || (failed && this.mode == Mode.ON_FAILURE);
	}

	/**
	 * @param previous the delay used before, or {@code null} for the first restart
	 * @param uptime how long the child that just exited was up
	 * @return the delay before the next start
	 */
	public Duration nextDelay(@Nullable Duration previous, Duration uptime) {
		if (previous == null || uptime.compareTo(this.resetAfter) >= 0) {
			return this.initialDelay;
		}
		double next = previous.toNanos() * this.multiplier;
		return (next >= this.maxDelay.toNanos()) ? this.maxDelay : Duration.ofNanos((long) next);
	}

	String problem() {
		if (this.mode == null) {
			return "restart.policy must be never, on-failure or always";
		}
		if (this.initialDelay == null || this.initialDelay.compareTo(MIN_INITIAL_DELAY) < 0) {
			return "restart.initial-delay must be at least 10ms, got " + this.initialDelay
					+ "; a child that fails at once would otherwise be restarted in a busy loop";
		}
		if (this.maxDelay == null || this.maxDelay.compareTo(this.initialDelay) < 0) {
			return "restart.max-delay must not be below restart.initial-delay, got " + this.maxDelay;
		}
		if (!(this.multiplier >= 1.0)) {
			return "restart.multiplier must be at least 1.0, got " + this.multiplier;
		}
		if (this.resetAfter == null || this.resetAfter.isNegative() || this.window == null || this.window.isNegative()
				|| this.window.isZero()) {
			return "restart.reset-after must be zero or positive and restart.window positive";
		}
		return (this.maxRestarts < 0) ? "restart.max-restarts must be zero or positive" : null;
	}

}
