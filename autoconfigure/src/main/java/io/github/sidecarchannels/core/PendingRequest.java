package io.github.sidecarchannels.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.messaging.Message;

/**
 * A request waiting for its reply. It keeps its place in the FIFO after a timeout, so the late reply
 * still lines up with it and not with the next request.
 */
final class PendingRequest {

	final CompletableFuture<Message<?>> future = new CompletableFuture<>();

	final long startNanos = System.nanoTime();

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile ScheduledFuture<?> timeout;

	void timeout(ScheduledFuture<?> timeout) {
		this.timeout = timeout;
		if (this.future.isDone()) {
			timeout.cancel(false);
		}
	}

	/** @return true the first time it is called: the caller then returns the in-flight permit */
	boolean release() {
		ScheduledFuture<?> scheduled = this.timeout;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
		return this.released.compareAndSet(false, true);
	}

}
