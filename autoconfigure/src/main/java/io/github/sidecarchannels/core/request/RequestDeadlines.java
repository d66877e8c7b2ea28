package io.github.sidecarchannels.core.request;

import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.github.sidecarchannels.core.SidecarScheduler;
import org.jspecify.annotations.Nullable;

/**
 * The request timeouts of one sidecar, without a scheduled task per request: requests
 * wait in a lock-free queue, and one sweep on the {@link SidecarScheduler} runs at the
 * earliest deadline, fails what has expired and schedules itself for the next. A request
 * costs a queue insertion; a settled one is dropped by the next sweep or compaction, so
 * nothing is cancelled per request. Bounded: once the queue holds more than twice
 * {@code max-in-flight} entries, the inserting caller drops the settled ones (at most
 * {@code max-in-flight} are not), so the queue stays near that size and the work per
 * request stays constant.
 */
public final class RequestDeadlines {

	private static final long NONE = Long.MAX_VALUE;

	private final SidecarScheduler scheduler;

	private final int compactAbove;

	private final Queue<Deadline> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	/** When the earliest scheduled sweep runs (nanoTime), or {@link #NONE}. */
	private final AtomicLong nextSweep = new AtomicLong(NONE);

	/**
	 * @param scheduler runs the sweeps
	 * @param maxInFlight the most requests that can wait at once
	 */
	public RequestDeadlines(SidecarScheduler scheduler, int maxInFlight) {
		this.scheduler = scheduler;
		this.compactAbove = 2 * maxInFlight + 64;
	}

	/**
	 * Fail {@code request} through {@code onTimeout} at {@code deadline}, unless it has
	 * settled by then.
	 * @param request the request
	 * @param deadline when (nanoTime)
	 * @param onTimeout what to do with it then, on the scheduler's thread; must not block
	 */
	public void add(PendingRequest request, long deadline, Consumer<PendingRequest> onTimeout) {
		Deadline entry = new Deadline(request, deadline, onTimeout);
		// Until it is dropped, the entry must not keep the request, and with it the
		// reply, alive: a queue of settled entries holding 1 MiB replies filled the heap.
		request.whenSettled(entry);
		this.waiting.add(entry);
		if (this.size.incrementAndGet() > this.compactAbove) {
			compact();
		}
		sweepBy(deadline);
	}

	/**
	 * @return the entries waiting, settled ones not yet dropped included
	 */
	public int size() {
		return this.size.get();
	}

	/** Make sure a sweep runs no later than {@code deadline}. */
	private void sweepBy(long deadline) {
		for (long scheduled = this.nextSweep.get(); deadline < scheduled; scheduled = this.nextSweep.get()) {
			if (this.nextSweep.compareAndSet(scheduled, deadline)) {
				this.scheduler.schedule(this::sweep, Math.max(0, deadline - System.nanoTime()));
				return;
			}
		}
	}

	/**
	 * Reset first: a request added while the sweep walks the queue either is seen by the
	 * walk or finds no sweep scheduled and schedules its own.
	 */
	private void sweep() {
		this.nextSweep.set(NONE);
		long now = System.nanoTime();
		long next = NONE;
		for (Iterator<Deadline> entries = this.waiting.iterator(); entries.hasNext();) {
			Deadline entry = entries.next();
			PendingRequest request = entry.request();
			if (request == null || request.isSettled()) {
				drop(entries, entry);
			}
			else if (entry.deadline() - now <= 0) {
				drop(entries, entry);
				entry.onTimeout().accept(request);
			}
			else if (entry.deadline() < next) {
				next = entry.deadline();
			}
		}
		if (next != NONE) {
			sweepBy(next);
		}
	}

	private void compact() {
		for (Iterator<Deadline> entries = this.waiting.iterator(); entries.hasNext();) {
			Deadline entry = entries.next();
			PendingRequest request = entry.request();
			if (request == null || request.isSettled()) {
				drop(entries, entry);
			}
		}
	}

	/** A sweep and a compaction may both drop an entry; it is counted off once. */
	private void drop(Iterator<Deadline> entries, Deadline entry) {
		entries.remove();
		if (entry.compareAndSet(false, true)) {
			this.size.decrementAndGet();
		}
	}

	/**
	 * A waiting request; its flag says it was dropped from the queue. Run when the
	 * request settles, it lets go of it (one object per request, no extra callback).
	 */
	private static final class Deadline extends AtomicBoolean implements Runnable {

		private volatile @Nullable PendingRequest request;

		private final long deadline;

		private final Consumer<PendingRequest> onTimeout;

		Deadline(PendingRequest request, long deadline, Consumer<PendingRequest> onTimeout) {
			this.request = request;
			this.deadline = deadline;
			this.onTimeout = onTimeout;
		}

		@Nullable PendingRequest request() {
			return this.request;
		}

		@Override
		public void run() {
			this.request = null;
		}

		long deadline() {
			return this.deadline;
		}

		Consumer<PendingRequest> onTimeout() {
			return this.onTimeout;
		}

	}

}
