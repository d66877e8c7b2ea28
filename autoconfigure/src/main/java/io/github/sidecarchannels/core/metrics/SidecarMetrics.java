package io.github.sidecarchannels.core.metrics;

/**
 * What a sidecar reports about its traffic. {@link #NONE} when no meter registry is around.
 */
public interface SidecarMetrics {

	SidecarMetrics NONE = new SidecarMetrics() {
	};

	/** Request outcomes, used as the {@code outcome} tag. */
	enum Outcome {

		SUCCESS, TIMEOUT, EXITED, ERROR;

		String tag() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * @param count messages just written to the socket
	 * @param payloadBytes their payload bytes (framing not counted)
	 */
	default void sent(int count, long payloadBytes) {
	}

	/**
	 * @param payloadBytes one received message's payload bytes
	 */
	default void received(long payloadBytes) {
	}

	/**
	 * @param outcome how the request ended
	 * @param nanos how long it took
	 */
	default void request(Outcome outcome, long nanos) {
	}

	/**
	 * @param type kebab-case error type
	 */
	default void error(String type) {
	}

	/** A child was started again after it exited. */
	default void restarted() {
	}

}
