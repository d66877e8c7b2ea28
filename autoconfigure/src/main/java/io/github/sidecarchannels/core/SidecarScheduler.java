package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.concurrent.SidecarThreads;

/**
 * The timed work of a set of sidecars: request timeouts and restart backoff, on one
 * thread. Owned by whoever owns the sidecars (the application context, through the
 * auto-configuration) and closed with them; its thread ends when it has been idle for a
 * second, so an unused scheduler costs no thread. Cancelled tasks leave the queue at
 * once. Request timeouts are not a task per request: each sidecar keeps one deadline
 * sweep here ({@link io.github.sidecarchannels.core.request.RequestDeadlines}).
 */
public final class SidecarScheduler implements AutoCloseable {

	private final ScheduledThreadPoolExecutor executor;

	private SidecarScheduler(String owner) {
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> SidecarThreads.daemon(owner, "timer", task));
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setKeepAliveTime(1, TimeUnit.SECONDS);
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * @param owner names the thread {@code sidecar-<owner>-timer}
	 * @return a new scheduler
	 */
	public static SidecarScheduler create(String owner) {
		return new SidecarScheduler(owner);
	}

	/**
	 * Run a short task (it must not block) after a delay.
	 * @param task what to run on the scheduler's thread
	 * @param delayNanos the delay
	 * @return the scheduled task, to cancel it
	 */
	public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
		return this.executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Run a task that may block (a restart launches a process) on a thread of its own
	 * after a delay.
	 * @param task the work
	 * @param delay the delay
	 * @param sidecarName and
	 * @param role name the thread
	 * @return the scheduled task, to cancel it before it starts
	 */
	public ScheduledFuture<?> scheduleBlocking(Runnable task, Duration delay, String sidecarName, String role) {
		return this.executor.schedule(() -> SidecarThreads.daemon(sidecarName, role, task).start(), delay.toNanos(),
				TimeUnit.NANOSECONDS);
	}

	/** Cancel everything scheduled; nothing runs afterwards. */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
