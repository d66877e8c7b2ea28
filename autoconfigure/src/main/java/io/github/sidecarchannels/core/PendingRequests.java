package io.github.sidecarchannels.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.messaging.Message;

/**
 * Requests written to the child and awaiting replies, oldest first. At most {@code max-in-flight} are
 * outstanding: a permit is taken before a request is queued and returned when it leaves this FIFO (or
 * is failed before it was written).
 */
final class PendingRequests {

	private final Semaphore permits;

	private final Queue<PendingRequest> awaitingReply = new ConcurrentLinkedQueue<>();

	PendingRequests(int maxInFlight) {
		this.permits = new Semaphore(maxInFlight);
	}

	boolean tryAcquire(long timeoutNanos) throws InterruptedException {
		return this.permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
	}

	/** Called by the writer just before the request's bytes are written. */
	void written(PendingRequest request) {
		this.awaitingReply.add(request);
	}

	/**
	 * @param reply a message from the child
	 * @return whether it was a reply (else it belongs to the inbound channel)
	 */
	boolean complete(Message<?> reply) {
		PendingRequest oldest = this.awaitingReply.poll();
		if (oldest == null) {
			return false;
		}
		release(oldest);
		oldest.succeed(reply);
		return true;
	}

	/** Take back a request whose bytes did not reach the socket: it will be written again or failed. */
	void retract(PendingRequest request) {
		this.awaitingReply.remove(request);
	}

	/** Fail a request that will never be written, or every one awaiting a reply. */
	void fail(PendingRequest request, RuntimeException cause) {
		release(request);
		request.fail(cause);
	}

	/** @return whether a request was waiting */
	boolean failOldest(RuntimeException cause) {
		PendingRequest oldest = this.awaitingReply.poll();
		if (oldest != null) {
			fail(oldest, cause);
		}
		return oldest != null;
	}

	void failAll(RuntimeException cause) {
		PendingRequest request;
		while ((request = this.awaitingReply.poll()) != null) {
			fail(request, cause);
		}
	}

	/** Give back a permit taken for a request that was never queued. */
	void abandon() {
		this.permits.release();
	}

	private void release(PendingRequest request) {
		if (request.release()) {
			this.permits.release();
		}
	}

}
