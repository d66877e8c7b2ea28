package io.github.sidecarchannels.core.request;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.messaging.Message;

/**
 * Replies matched first in, first out: every message from the child completes the oldest request
 * written and still waiting. Right for children that answer every request once, in order.
 */
public final class FifoCorrelation implements RequestCorrelation {

	private final Semaphore permits;

	private final Queue<PendingRequest> awaitingReply = new ConcurrentLinkedQueue<>();

	/**
	 * @param maxInFlight the most requests awaiting replies at once
	 */
	public FifoCorrelation(int maxInFlight) {
		this.permits = new Semaphore(maxInFlight);
	}

	@Override
	public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
		return this.permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
	}

	/** Called by the writer just before the request's bytes are written. */
	@Override
	public void written(PendingRequest request) {
		this.awaitingReply.add(request);
	}

	/**
	 * @param reply a message from the child
	 * @return whether it was a reply (else it belongs to the inbound channel)
	 */
	@Override
	public boolean complete(Message<?> reply) {
		PendingRequest oldest = this.awaitingReply.poll();
		if (oldest == null) {
			return false;
		}
		release(oldest);
		oldest.succeed(reply);
		return true;
	}

	/** Take back a request whose bytes did not reach the socket: it will be written again or failed. */
	@Override
	public void retract(PendingRequest request) {
		this.awaitingReply.remove(request);
	}

	/** Fail a request that will never be written, or every one awaiting a reply. */
	@Override
	public void fail(PendingRequest request, RuntimeException cause) {
		release(request);
		request.fail(cause);
	}

	/** @return whether a request was waiting */
	@Override
	public boolean failOldest(RuntimeException cause) {
		PendingRequest oldest = this.awaitingReply.poll();
		if (oldest != null) {
			fail(oldest, cause);
		}
		return oldest != null;
	}

	@Override
	public void failAll(RuntimeException cause) {
		PendingRequest request;
		while ((request = this.awaitingReply.poll()) != null) {
			fail(request, cause);
		}
	}

	/** Give back a permit taken for a request that was never queued. */
	@Override
	public void abandon() {
		this.permits.release();
	}

	private void release(PendingRequest request) {
		if (request.release()) {
			this.permits.release();
		}
	}

}
