package io.github.sidecarchannels.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for all request timeouts. Cancelled timeouts leave the queue at once, so it holds at
 * most one entry per request in flight.
 */
final class RequestTimeouts {

	private static final ScheduledThreadPoolExecutor TIMER = createTimer();

	private RequestTimeouts() {
	}

	private static ScheduledThreadPoolExecutor createTimer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "sidecar-request-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	static ScheduledFuture<?> schedule(Runnable onTimeout, long nanos) {
		return TIMER.schedule(onTimeout, nanos, TimeUnit.NANOSECONDS);
	}

}
