package io.github.sidecarchannels.core.concurrent;

import java.util.List;

/**
 * The one place sidecar threads come from, so every thread in a thread dump says which
 * sidecar it serves and what it does: {@code sidecar-<name>-<role>}.
 */
public final class SidecarThreads {

	private SidecarThreads() {
	}

	/**
	 * @param sidecarName the sidecar the thread serves
	 * @param role what it does, e.g. {@code reader}
	 * @param task its work
	 * @return an unstarted daemon thread: the application's lifecycle, not these threads,
	 * decides when the JVM may exit
	 */
	public static Thread daemon(String sidecarName, String role, Runnable task) {
		Thread thread = new Thread(task, name(sidecarName, role));
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * @param role what the thread does for every sidecar in the JVM, e.g.
	 * {@code stderr-poller}
	 * @param task its work
	 * @return an unstarted daemon thread named {@code sidecar-<role>}
	 */
	public static Thread sharedDaemon(String role, Runnable task) {
		Thread thread = new Thread(task, "sidecar-" + role);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * @param sidecarName the sidecar
	 * @param role the thread's role
	 * @return {@code sidecar-<name>-<role>}
	 */
	public static String name(String sidecarName, String role) {
		return "sidecar-" + sidecarName + "-" + role;
	}

	/**
	 * Start the threads and wait until all have ended, so that stopping several sidecars
	 * takes as long as the slowest, not the sum of them.
	 * @param threads unstarted threads, e.g. from {@link #daemon}
	 */
	public static void startAndJoin(List<Thread> threads) {
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
