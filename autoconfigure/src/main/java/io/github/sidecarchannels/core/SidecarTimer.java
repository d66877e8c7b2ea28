package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for every sidecar's timed work: request timeouts and restart backoff. Cancelled
 * tasks leave the queue at once, so it holds at most one entry per request in flight plus one per
 * restarting sidecar.
 */
final class SidecarTimer {

	private static final ScheduledThreadPoolExecutor TIMER = createTimer();

	private SidecarTimer() {
	}

	private static ScheduledThreadPoolExecutor createTimer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "sidecar-timer");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	static ScheduledFuture<?> schedule(Runnable task, long nanos) {
		return TIMER.schedule(task, nanos, TimeUnit.NANOSECONDS);
	}

	/** Work that may block (a restart launches a process) runs off the timer thread. */
	static ScheduledFuture<?> scheduleBlocking(Runnable task, Duration delay, String threadName) {
		return TIMER.schedule(() -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			thread.start();
		}, delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Durations as people write them in configuration: {@code 100ms}, {@code 30s}, {@code 2m}. */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0 && millis > 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0 && millis > 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
