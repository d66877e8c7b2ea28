package io.github.sidecarchannels.core.request;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The {@code max-in-flight} slots of one correlation: one is taken before a request is
 * queued and returned exactly once, by the correlation that holds the request's slot (in
 * a pool, a request not written yet may move to another instance, and its slot with it).
 */
final class RequestSlots {

	private final Semaphore permits;

	private final int max;

	RequestSlots(int max) {
		this.permits = new Semaphore(max);
		this.max = max;
	}

	/**
	 * @return slots taken and not returned
	 */
	int inUse() {
		return this.max - this.permits.availablePermits();
	}

	boolean tryAcquire(long timeoutNanos) throws InterruptedException {
		return this.permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
	}

	/** Give back a slot that no request holds (taken for one never queued). */
	void abandon() {
		this.permits.release();
	}

	/**
	 * @param request a request that settled or will never be written
	 * @param by the correlation letting go of it: the slot is returned only if it holds
	 * it, the first time
	 */
	void release(PendingRequest request, RequestCorrelation by) {
		if (request.release(by)) {
			this.permits.release();
		}
	}

}
