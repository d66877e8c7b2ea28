package io.github.sidecarchannels.core.transport;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the payload bytes a sidecar has accepted but not yet written, next to the
 * queue's bound on their number: a child that stops reading holds at most this much heap,
 * whatever the message size.
 */
public final class OutboundBudget {

	private final long limit;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition released = this.lock.newCondition();

	private long used;

	/**
	 * @param limit the most bytes held at once
	 */
	public OutboundBudget(long limit) {
		this.limit = limit;
	}

	/**
	 * @return the most bytes held at once
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * @return the bytes held now
	 */
	public long used() {
		this.lock.lock();
		try {
			return this.used;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Take room for a payload, waiting for it like a full queue.
	 * @param bytes at most {@link #limit()}
	 * @param timeoutNanos negative to wait as long as it takes
	 * @return false if no room freed up in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean acquire(long bytes, long timeoutNanos) throws InterruptedException {
		long remaining = timeoutNanos;
		this.lock.lockInterruptibly();
		try {
			while (this.used + bytes > this.limit) {
				if (timeoutNanos < 0) {
					this.released.await();
				}
				else if (remaining <= 0) {
					return false;
				}
				else {
					remaining = this.released.awaitNanos(remaining);
				}
			}
			this.used += bytes;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @param bytes room no longer needed: written, reported or taken back
	 */
	public void release(long bytes) {
		if (bytes == 0) {
			return;
		}
		this.lock.lock();
		try {
			this.used -= bytes;
			this.released.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

}
