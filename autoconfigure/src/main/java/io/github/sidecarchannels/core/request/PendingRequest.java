package io.github.sidecarchannels.core.request;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

/**
 * A request waiting for its reply. It keeps its place in the FIFO after a timeout, so the
 * late reply still lines up with it and not with the next request.
 */
public final class PendingRequest {

	private final CompletableFuture<Message<?>> future = new CompletableFuture<>();

	private final long startNanos = System.nanoTime();

	private final SidecarMetrics metrics;

	private final String method;

	private final long id;

	private final AtomicBoolean settled = new AtomicBoolean();

	private volatile @Nullable Runnable whenSettled;

	/** Its slot holder before one is named: whoever releases first returns the slot. */
	private static final Object ANY_HOLDER = new Object();

	private static final Object RELEASED = new Object();

	/**
	 * The correlation whose {@code max-in-flight} slot it holds: only that one returns
	 * it. In a pool a request not written yet may move to another instance, and its slot
	 * with it.
	 */
	private final AtomicReference<Object> slotHolder = new AtomicReference<>(ANY_HOLDER);

	/**
	 * The last correlation named in {@link #slotHolder}, kept once the slot is returned.
	 */
	private volatile @Nullable RequestCorrelation heldBy;

	/** When its bytes went to the socket (nanoTime), or 0 before. */
	private volatile long writtenNanos;

	/** When it failed for want of a reply (nanoTime), or 0 if it did not. */
	private volatile long timedOutNanos;

	/**
	 * @param metrics where its outcome is counted
	 */
	public PendingRequest(SidecarMetrics metrics) {
		this(metrics, SidecarMetrics.NO_METHOD, -1);
	}

	/**
	 * @param metrics where its outcome is counted
	 * @param method the JSON-RPC method, the {@code method} tag of its meter
	 * @param id the JSON-RPC id its response carries
	 */
	public PendingRequest(SidecarMetrics metrics, String method, long id) {
		this.metrics = metrics;
		this.method = method;
		this.id = id;
	}

	/**
	 * @return the JSON-RPC method, or {@code none} for a raw request
	 */
	public String method() {
		return this.method;
	}

	/**
	 * @return the JSON-RPC id, or -1 for a raw request
	 */
	public long id() {
		return this.id;
	}

	/**
	 * @return whether it succeeded or failed already
	 */
	public boolean isSettled() {
		return this.settled.get();
	}

	public CompletableFuture<Message<?>> future() {
		return this.future;
	}

	public long startNanos() {
		return this.startNanos;
	}

	/**
	 * Meters are updated before the future completes, so whoever waits on it sees them
	 * counted.
	 */
	public void succeed(Message<?> reply) {
		answer(reply, SidecarMetrics.Outcome.SUCCESS);
	}

	/**
	 * Complete with a reply that still counts as {@code outcome} (a JSON-RPC error
	 * response is a reply its caller turns into an exception).
	 * @param reply the reply
	 * @param outcome how it counts
	 */
	public void answer(Message<?> reply, SidecarMetrics.Outcome outcome) {
		if (this.settled.compareAndSet(false, true)) {
			settled();
			this.metrics.request(this.method, outcome, System.nanoTime() - this.startNanos);
			this.future.complete(reply);
		}
	}

	public void fail(RuntimeException failure) {
		if (this.settled.compareAndSet(false, true)) {
			settled();
			if (failure instanceof SidecarTimeoutException) {
				this.timedOutNanos = System.nanoTime();
			}
			this.metrics.request(this.method, outcome(failure), System.nanoTime() - this.startNanos);
			this.future.completeExceptionally(failure);
		}
	}

	/**
	 * @param action run once it settles (at once if it has): what holds on to it for a
	 * while lets go, so its reply is not kept after its caller is done with it
	 */
	void whenSettled(Runnable action) {
		this.whenSettled = action;
		if (this.settled.get()) {
			action.run();
		}
	}

	private void settled() {
		Runnable action = this.whenSettled;
		if (action != null) {
			action.run();
		}
	}

	/** Its bytes are about to be written: from now on a reply may answer it. */
	public void written() {
		this.writtenNanos = System.nanoTime();
	}

	/**
	 * @return whether it failed with a timeout (and still waits in the FIFO for its late
	 * reply)
	 */
	public boolean timedOut() {
		return this.timedOutNanos != 0;
	}

	/**
	 * @param earlier a request written before this one
	 * @return whether this one was written only after {@code earlier} had timed out
	 */
	public boolean writtenAfterTimeoutOf(PendingRequest earlier) {
		return earlier.timedOut() && this.writtenNanos - earlier.timedOutNanos > 0;
	}

	private static SidecarMetrics.Outcome outcome(RuntimeException failure) {
		if (failure instanceof SidecarTimeoutException) {
			return SidecarMetrics.Outcome.TIMEOUT;
		}
		return (failure instanceof SidecarExitedException) ? SidecarMetrics.Outcome.EXITED
				: SidecarMetrics.Outcome.ERROR;
	}

	/**
	 * Name the correlation whose slot it took.
	 * @param correlation the correlation that gave it a slot
	 */
	public void holdsSlotOf(RequestCorrelation correlation) {
		if (this.slotHolder.compareAndSet(ANY_HOLDER, correlation)) {
			this.heldBy = correlation;
		}
	}

	/**
	 * Its slot moves to another correlation (a pool's instance takes over a request the
	 * previous one never wrote); the caller returns the old slot.
	 * @param from the correlation that holds it now
	 * @param to the correlation that took a slot for it
	 * @return false if {@code from} does not hold it (any more): it was released
	 */
	public boolean moveSlot(RequestCorrelation from, RequestCorrelation to) {
		if (this.slotHolder.compareAndSet(from, to)) {
			this.heldBy = to;
			return true;
		}
		return false;
	}

	/**
	 * @return the correlation that holds or last held its slot, also once it is settled;
	 * {@code null} if none was named
	 */
	public @Nullable RequestCorrelation heldBy() {
		return this.heldBy;
	}

	/**
	 * @param fallback returned when no correlation holds its slot
	 * @return the correlation holding its slot, which handles its timeout
	 */
	public RequestCorrelation slotHolder(RequestCorrelation fallback) {
		return (this.slotHolder.get() instanceof RequestCorrelation holder) ? holder : fallback;
	}

	/**
	 * @param by the correlation that settles it
	 * @return true the first time it is called by the correlation holding its slot (or by
	 * any, when none was named): the caller then returns the in-flight permit
	 */
	public boolean release(RequestCorrelation by) {
		Object holder = this.slotHolder.get();
		return (holder == ANY_HOLDER || holder == by) && this.slotHolder.compareAndSet(holder, RELEASED);
	}

}
