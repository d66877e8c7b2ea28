package io.github.sidecarchannels.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-startup sidecars with the application context and stops every sidecar with it, in
 * parallel so that shutdown takes one {@code stop-timeout}, not the sum of them. Its phase puts it
 * before the web server on start and after it on stop, so requests in flight can still use sidecars.
 */
public class SidecarLifecycle implements SmartLifecycle {

	/** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(SidecarLifecycle.class);

	private final SidecarRegistry registry;

	private final Predicate<String> autoStartup;

	private final Predicate<String> failFast;

	private volatile boolean running;

	/**
	 * @param registry the sidecars
	 * @param autoStartup which sidecars (by name) start with the context
	 * @param failFast which sidecars (by name) fail the context when they cannot start
	 */
	public SidecarLifecycle(SidecarRegistry registry, Predicate<String> autoStartup, Predicate<String> failFast) {
		this.registry = registry;
		this.autoStartup = autoStartup;
		this.failFast = failFast;
	}

	@Override
	public void start() {
		try {
			for (Sidecar sidecar : this.registry.all()) {
				if (this.autoStartup.test(sidecar.name())) {
					start(sidecar);
				}
			}
		}
		catch (RuntimeException ex) {
			// A failed refresh does not stop lifecycle beans: do not leave the others running.
			stop();
			throw ex;
		}
		this.running = true;
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
