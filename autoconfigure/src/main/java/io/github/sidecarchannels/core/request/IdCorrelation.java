package io.github.sidecarchannels.core.request;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sidecarchannels.core.metrics.SidecarMetrics;

import org.springframework.messaging.Message;

/**
 * Responses matched by id, in any order: a request waits under its id from the moment it
 * is written until its response, its timeout or the end of the connection. Nothing here
 * guesses: a frame without a matching id completes nothing, so it can never reach another
 * caller.
 */
public final class IdCorrelation implements RequestCorrelation {

	private final RequestSlots slots;

	private final Map<Long, PendingRequest> awaitingResponse = new ConcurrentHashMap<>();

	/**
	 * @param maxInFlight the most calls awaiting responses at once
	 */
	public IdCorrelation(int maxInFlight) {
		this.slots = new RequestSlots(maxInFlight);
	}

	@Override
	public int inFlight() {
		return this.slots.inUse();
	}

	@Override
	public boolean tryAcquire(long timeoutNanos) throws InterruptedException {
		return this.slots.tryAcquire(timeoutNanos);
	}

	@Override
	public void abandon() {
		this.slots.abandon();
	}

	/**
	 * A request that timed out while queued is written all the same, but waits for
	 * nothing; if it was settled elsewhere while its slot was here (it moved here from
	 * another instance of a pool), the slot is returned now.
	 */
	@Override
	public void written(PendingRequest request) {
		this.awaitingResponse.put(request.id(), request);
		if (request.isSettled()) {
			this.awaitingResponse.remove(request.id(), request);
			release(request);
		}
	}

	@Override
	public void retract(PendingRequest request) {
		this.awaitingResponse.remove(request.id(), request);
	}

	/**
	 * Frames are routed by the protocol layer, which completes by id: a bare message
	 * completes nothing.
	 */
	@Override
	public boolean complete(Message<?> reply) {
		return false;
	}

	/**
	 * @param id the id the response carries
	 * @param response the response
	 * @param outcome how it counts: an error response is an error
	 * @return whether a request was waiting under that id
	 */
	public boolean complete(long id, Message<?> response, SidecarMetrics.Outcome outcome) {
		PendingRequest request = this.awaitingResponse.remove(id);
		if (request == null) {
			return false;
		}
		release(request);
		request.answer(response, outcome);
		return true;
	}

	/**
	 * Give up on a request: it no longer waits, and a response to it will be unmatched.
	 * @param request the request
	 * @param cause what its caller gets
	 */
	public void giveUp(PendingRequest request, RuntimeException cause) {
		this.awaitingResponse.remove(request.id(), request);
		fail(request, cause);
	}

	@Override
	public void timedOut(PendingRequest request, RuntimeException cause) {
		giveUp(request, cause);
	}

	@Override
	public void fail(PendingRequest request, RuntimeException cause) {
		release(request);
		request.fail(cause);
	}

	/**
	 * A dropped frame names no id: nothing can be failed without guessing; the call times
	 * out instead.
	 */
	@Override
	public boolean failOldest(RuntimeException cause) {
		return false;
	}

	@Override
	public void failAll(RuntimeException cause) {
		for (PendingRequest request : this.awaitingResponse.values()) {
			if (this.awaitingResponse.remove(request.id(), request)) {
				fail(request, cause);
			}
		}
	}

	private void release(PendingRequest request) {
		this.slots.release(request, this);
	}

}
