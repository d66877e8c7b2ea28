package io.github.sidecarchannels.core.transport;

import java.util.function.IntConsumer;

import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import org.jspecify.annotations.Nullable;

/**
 * The thread that drains for a {@link SocketWriter} once the socket is too full for a
 * caller to write: started at the first hand-over, it ends after a while without one, so
 * a sidecar that is not busy has none.
 */
final class WriterThread {

	private final String sidecarName;

	private final IntConsumer drain;

	private final long keepAliveMillis;

	private @Nullable Thread thread;

	/**
	 * The kicks handed over with the draining, not yet taken by the thread; 0 if none.
	 */
	private int handedKicks;

	private boolean ended;

	/**
	 * @param drain drains, answering the given number of kicks
	 */
	WriterThread(String sidecarName, IntConsumer drain, long keepAliveMillis) {
		this.sidecarName = sidecarName;
		this.drain = drain;
		this.keepAliveMillis = keepAliveMillis;
	}

	/**
	 * The caller stops draining; the thread goes on from where it left.
	 * @param kicks the kicks the caller had not answered
	 */
	synchronized void handOver(int kicks) {
		this.handedKicks = kicks;
		if (this.thread == null) {
			Thread started = SidecarThreads.daemon(this.sidecarName, "writer", this::run);
			this.thread = started;
			started.start();
		}
		else {
			notifyAll();
		}
	}

	/** No more hand-overs come: a waiting thread ends now. */
	synchronized void end() {
		this.ended = true;
		notifyAll();
	}

	/** Interrupt the thread, if there is one: the last resort of stopping a writer. */
	synchronized void interrupt() {
		if (this.thread != null) {
			this.thread.interrupt();
		}
	}

	private void run() {
		int kicks;
		while ((kicks = awaitHandOver()) != 0) {
			this.drain.accept(kicks);
		}
	}

	/**
	 * @return the kicks handed over, or 0 once the thread is to end (it is then
	 * forgotten, so the next hand-over starts another)
	 */
	private synchronized int awaitHandOver() {
		long deadline = System.nanoTime() + this.keepAliveMillis * 1_000_000;
		try {
			while (this.handedKicks == 0 && !this.ended) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				wait(Math.max(1, left / 1_000_000));
			}
		}
		catch (InterruptedException ex) {
			// Stopped while idle: end.
		}
		int kicks = this.handedKicks;
		this.handedKicks = 0;
		if (kicks == 0) {
			this.thread = null;
		}
		return kicks;
	}

}
