package io.github.sidecarchannels.core.request;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.messaging.Message;

/**
 * Replies matched first in, first out: every message from the child completes the oldest
 * request written and still waiting. Right for children that answer every request once,
 * in order.
 * <p>
 * A timed-out request keeps its place, so its late reply lines up with it. A reply the
 * child never sends cannot be seen directly, but it leaves a trace: the reply that lands
 * on the timed-out request was really meant for the request behind it, which then times
 * out in turn, and so on. So when {@value #OUT_OF_STEP_LATE_REPLIES} replies in a row
 * land on timed-out requests that each have a request behind them written only after they
 * had timed out, the stream is taken to be out of step and the {@code outOfStep} callback
 * runs. One late reply, or late replies to requests that were all written before the
 * first timed out (a child that stalled and caught up), are normal and do not count.
 */
public final class FifoCorrelation implements RequestCorrelation {

	/**
	 * Late replies in a row, each with a newer request waiting behind it, that mean a
	 * skipped reply.
	 */
	public static final int OUT_OF_STEP_LATE_REPLIES = 2;

	private final RequestSlots slots;

	private final Queue<PendingRequest> awaitingReply = new ConcurrentLinkedQueue<>();

	private final Runnable outOfStep;

	private final AtomicInteger lateInARow = new AtomicInteger();

	/**
	 * @param maxInFlight the most requests awaiting replies at once
	 * @param outOfStep run, on the reading thread, when the replies no longer line up
	 * with the requests
	 */
	public FifoCorrelation(int maxInFlight, Runnable outOfStep) {
		this.slots = new RequestSlots(maxInFlight);
		this.outOfStep = outOfStep;
	}

	@Override
	public int inFlight() {
		return this.slots.inUse();
	}

	@Override
	public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
		return this.slots.tryAcquire(timeoutNanos);
	}

	/** Called by the writer just before the request's bytes are written. */
	@Override
	public void written(PendingRequest request) {
		request.written();
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
		boolean outOfStep = isOutOfStepAfter(oldest);
		oldest.succeed(reply);
		if (outOfStep) {
			this.outOfStep.run();
		}
		return true;
	}

	/**
	 * @param answered the request a reply just landed on, already out of the queue
	 */
	private boolean isOutOfStepAfter(PendingRequest answered) {
		PendingRequest behind = this.awaitingReply.peek();
		if (!answered.timedOut() || behind == null || !behind.writtenAfterTimeoutOf(answered)) {
			this.lateInARow.set(0);
			return false;
		}
		if (this.lateInARow.incrementAndGet() < OUT_OF_STEP_LATE_REPLIES) {
			return false;
		}
		this.lateInARow.set(0);
		return true;
	}

	/**
	 * Take back a request whose bytes did not reach the socket: it will be written again
	 * or failed.
	 */
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

	/**
	 * @return whether a request was waiting
	 */
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
		this.lateInARow.set(0);
		PendingRequest request;
		while ((request = this.awaitingReply.poll()) != null) {
			fail(request, cause);
		}
	}

	/** Give back a permit taken for a request that was never queued. */
	@Override
	public void abandon() {
		this.slots.abandon();
	}

	private void release(PendingRequest request) {
		this.slots.release(request, this);
	}

}
