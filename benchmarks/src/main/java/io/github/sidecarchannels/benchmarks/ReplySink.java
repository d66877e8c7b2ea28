package io.github.sidecarchannels.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where every system's replies land, on whatever thread delivers them. A semaphore holds
 * the window: the sender takes a permit per message, each reply gives one back. Every
 * reply's size is checked, so a system that garbles or drops messages fails the run
 * instead of looking fast.
 */
final class ReplySink {

	/**
	 * Longer than any healthy run could need; a stuck system fails instead of hanging the
	 * harness.
	 */
	private static final long STUCK_SECONDS = 60;

	private volatile Semaphore window = new Semaphore(1);

	private volatile int expectedSize;

	private volatile Throwable failure;

	void reset(int permits, int size) {
		this.window = new Semaphore(permits);
		this.expectedSize = size;
		this.failure = null;
	}

	/** Called once per reply, by the system's delivering thread. */
	void arrived(int size) {
		if (size != this.expectedSize && this.failure == null) {
			this.failure = new IllegalStateException(
					"a reply of " + size + " bytes came back for a " + this.expectedSize + "-byte message");
		}
		this.window.release();
	}

	void failed(Throwable cause) {
		if (this.failure == null) {
			this.failure = cause;
		}
		this.window.release();
	}

	/** Take a permit: blocks while the window is full. */
	void acquire() throws InterruptedException, TimeoutException {
		acquire(1);
	}

	void acquire(int permits) throws InterruptedException, TimeoutException {
		if (!this.window.tryAcquire(permits, STUCK_SECONDS, TimeUnit.SECONDS)) {
			throw new TimeoutException("no reply for " + STUCK_SECONDS + " s");
		}
		check();
	}

	void release(int permits) {
		this.window.release(permits);
	}

	void check() {
		Throwable cause = this.failure;
		if (cause != null) {
			throw new IllegalStateException("the echo failed: " + cause, cause);
		}
	}

}
