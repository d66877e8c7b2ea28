package io.github.sidecarchannels.core.metrics;

/**
 * What a sidecar reports about its traffic. {@link #NONE} when no meter registry is
 * around.
 */
public interface SidecarMetrics {

	SidecarMetrics NONE = new SidecarMetrics() {
	};

	/** The {@code method} tag of raw requests, which have none. */
	String NO_METHOD = "none";

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
	 * A raw request ended (its {@code method} tag is {@code none}).
	 * @param outcome how the request ended
	 * @param nanos how long it took
	 */
	default void request(Outcome outcome, long nanos) {
		request(NO_METHOD, outcome, nanos);
	}

	/**
	 * @param method the JSON-RPC method called, or {@link #NO_METHOD} for a raw request
	 * @param outcome how the request ended
	 * @param nanos how long it took
	 */
	default void request(String method, Outcome outcome, long nanos) {
	}

	/**
	 * A call from the child was answered (or refused).
	 * @param method the method, or {@code unknown} when no handler has that name
	 * @param outcome {@code success}, {@code error} (an error response) or {@code busy}
	 * (refused)
	 * @param nanos how long the handler took
	 */
	default void handled(String method, String outcome, long nanos) {
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
