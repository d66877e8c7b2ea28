package io.github.sidecarchannels.core.request;

import org.springframework.messaging.Message;

/**
 * Matches the child's replies to the requests waiting for them, and bounds how many may
 * wait ({@code max-in-flight}): a permit is taken before a request is queued and returned
 * when the request settles (or is failed before it was written).
 */
public interface RequestCorrelation {

	/**
	 * @param timeoutNanos how long to wait for a free slot
	 * @return whether a slot was taken
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean tryAcquire(long timeoutNanos) throws InterruptedException;

	/**
	 * @return requests holding a slot: queued or written, not yet answered
	 */
	int inFlight();

	/** Give back a slot taken for a request that was never queued. */
	void abandon();

	/**
	 * Called by the writer just before the request's bytes are written.
	 * @param request the request
	 */
	void written(PendingRequest request);

	/**
	 * Take back a request whose bytes did not reach the socket: it will be written again
	 * or failed.
	 * @param request the request
	 */
	void retract(PendingRequest request);

	/**
	 * @param reply a message from the child
	 * @return whether it completed a request (else it belongs to the inbound channel)
	 */
	boolean complete(Message<?> reply);

	/**
	 * Fail a request that will never be written.
	 * @param request the request
	 * @param cause why
	 */
	void fail(PendingRequest request, RuntimeException cause);

	/**
	 * The request's timeout expired. By default it only fails: a FIFO request keeps its
	 * place (and its slot) so the late reply still lines up with it.
	 * @param request the request
	 * @param cause the timeout
	 */
	default void timedOut(PendingRequest request, RuntimeException cause) {
		request.fail(cause);
	}

	/**
	 * A reply was dropped: fail the request it answered.
	 * @param cause why
	 * @return whether a request was waiting
	 */
	boolean failOldest(RuntimeException cause);

	/**
	 * The child is gone: fail every request written and awaiting a reply.
	 * @param cause why
	 */
	void failAll(RuntimeException cause);

}
