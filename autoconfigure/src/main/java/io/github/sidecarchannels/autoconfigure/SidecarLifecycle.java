package io.github.sidecarchannels.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-startup sidecars with the application context and stops every sidecar with it, in
 * parallel so that shutdown takes one {@code stop-timeout}, not the sum of them. Its phase puts it
 * before the web server on start and after it on stop, so requests in flight can still use sidecars.
 * <p>
 * All the threads the sidecars use are daemon threads. While it runs with at least one auto-startup
 * sidecar, this lifecycle holds one non-daemon thread, {@code sidecar-keep-alive}, as listener
 * containers do, so that an application whose job is its sidecars does not exit after startup; the
 * thread ends in {@link #stop()}, so closing the context (e.g. on SIGTERM) lets the JVM exit.
 */
public class SidecarLifecycle implements SmartLifecycle {

	/** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/** The name of the non-daemon thread that keeps the JVM alive while the sidecars run. */
	public static final String KEEP_ALIVE_THREAD = "sidecar-keep-alive";

	private static final Logger logger = LoggerFactory.getLogger(SidecarLifecycle.class);

	private final SidecarRegistry registry;

	private final Predicate<String> autoStartup;

	private final Predicate<String> failFast;

	private final boolean keepAlive;

	private volatile boolean running;

	private @Nullable CountDownLatch keepAliveLatch;

	/**
	 * A lifecycle that keeps the JVM alive while it runs.
	 * @param registry the sidecars
	 * @param autoStartup which sidecars (by name) start with the context
	 * @param failFast which sidecars (by name) fail the context when they cannot start
	 */
	public SidecarLifecycle(SidecarRegistry registry, Predicate<String> autoStartup, Predicate<String> failFast) {
		this(registry, autoStartup, failFast, true);
	}

	/**
	 * @param registry the sidecars
	 * @param autoStartup which sidecars (by name) start with the context
	 * @param failFast which sidecars (by name) fail the context when they cannot start
	 * @param keepAlive whether a non-daemon thread keeps the JVM alive while auto-startup sidecars run
	 */
	public SidecarLifecycle(SidecarRegistry registry, Predicate<String> autoStartup, Predicate<String> failFast,
			boolean keepAlive) {
		this.registry = registry;
		this.autoStartup = autoStartup;
		this.failFast = failFast;
		this.keepAlive = keepAlive;
	}

	@Override
	public void start() {
		boolean started = false;
		try {
			for (Sidecar sidecar : this.registry.all()) {
				if (this.autoStartup.test(sidecar.name())) {
					start(sidecar);
					started = true;
				}
			}
		}
		catch (RuntimeException ex) {
			// A failed refresh does not stop lifecycle beans: do not leave the others running.
			stop();
			throw ex;
		}
		if (started && this.keepAlive) {
			startKeepAlive();
		}
		this.running = true;
	}

	private synchronized void startKeepAlive() {
		if (this.keepAliveLatch != null) {
			return;
		}
		CountDownLatch latch = new CountDownLatch(1);
		Thread thread = new Thread(() -> awaitQuietly(latch), KEEP_ALIVE_THREAD);
		thread.setDaemon(false);
		thread.start();
		this.keepAliveLatch = latch;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized void stopKeepAlive() {
		if (this.keepAliveLatch != null) {
			this.keepAliveLatch.countDown();
			this.keepAliveLatch = null;
		}
	}

	private void start(Sidecar sidecar) {
		try {
			sidecar.start();
		}
		catch (RuntimeException ex) {
			if (this.failFast.test(sidecar.name())) {
				throw ex;
			}
			logger.error("Sidecar '{}' could not start and is left FAILED (fail-fast is off): {}", sidecar.name(),
					ex.getMessage());
		}
	}

	@Override
	public void stop() {
		List<Thread> stopping = new ArrayList<>();
		for (Sidecar sidecar : this.registry.all()) {
			Thread thread = new Thread(sidecar::stop, "sidecar-" + sidecar.name() + "-stop");
			thread.start();
			stopping.add(thread);
		}
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.running = false;
		// Last, so that the JVM cannot exit while children are still being stopped.
		stopKeepAlive();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
