package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-startup sidecars with the application context (failing it when a
 * fail-fast sidecar cannot start or its child ends within {@code startup.grace}) and
 * stops every sidecar with it, in parallel so that shutdown takes one
 * {@code stop-timeout}, not the sum of them. Its phase puts it before the web server on
 * start and after it on stop, so requests in flight can still use sidecars.
 * <p>
 * All the threads the sidecars use are daemon threads. While it runs with at least one
 * auto-startup sidecar, this lifecycle holds one non-daemon thread,
 * {@code sidecar-keep-alive}, as listener containers do, so that an application whose job
 * is its sidecars does not exit after startup; the thread ends in {@link #stop()}, so
 * closing the context (e.g. on SIGTERM) lets the JVM exit.
 */
public class SidecarLifecycle implements SmartLifecycle {

	/** Below the web server's start/stop phase ({@code DEFAULT_PHASE - 2048}). */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/**
	 * The name of the non-daemon thread that keeps the JVM alive while the sidecars run.
	 */
	public static final String KEEP_ALIVE_THREAD = "sidecar-keep-alive";

	private static final Logger logger = LoggerFactory.getLogger(SidecarLifecycle.class);

	private final SidecarRegistry registry;

	private final Predicate<String> autoStartup;

	private final Predicate<String> failFast;

	private final Function<String, Duration> startupGrace;

	private final StartupWatch startupWatch = new StartupWatch();

	private final ReadinessWatch readinessWatch = new ReadinessWatch();

	private final @Nullable KeepAlive keepAlive;

	private volatile boolean running;

	/**
	 * @param registry the sidecars
	 * @param autoStartup which sidecars (by name) start with the context
	 * @param failFast which sidecars (by name) fail the context when they cannot start
	 * @param startupGrace for each fail-fast sidecar (by name), how long after its start
	 * an exit of its child fails the context too; zero for no such check
	 * @param keepAlive whether a non-daemon thread keeps the JVM alive while auto-startup
	 * sidecars run
	 */
	public SidecarLifecycle(SidecarRegistry registry, Predicate<String> autoStartup, Predicate<String> failFast,
			Function<String, Duration> startupGrace, boolean keepAlive) {
		this.registry = registry;
		this.autoStartup = autoStartup;
		this.failFast = failFast;
		this.startupGrace = startupGrace;
		this.keepAlive = keepAlive ? new KeepAlive() : null;
		registry.all().forEach((sidecar) -> {
			sidecar.addInstanceStateListener(this.startupWatch);
			sidecar.addStateListener(this.readinessWatch);
		});
	}

	/**
	 * Start the auto-startup sidecars, then wait out the startup graces of the fail-fast
	 * ones together, then wait for those that signal readiness to be ready
	 * ({@code startup.ready: message}), together too.
	 * @throws RuntimeException if a fail-fast sidecar could not start, its child ended
	 * within its grace or it did not become ready within its startup timeout; every
	 * sidecar is stopped again first
	 */
	@Override
	public void start() {
		boolean started = false;
		try {
			for (Sidecar sidecar : this.registry.all()) {
				if (this.autoStartup.test(sidecar.name())) {
					started = true;
					if (this.failFast.test(sidecar.name())) {
						this.startupWatch.starting(sidecar, this.startupGrace.apply(sidecar.name()));
					}
					this.readinessWatch.starting(sidecar);
					start(sidecar);
					this.startupWatch.started(sidecar);
				}
			}
			this.startupWatch.awaitGraces();
			this.readinessWatch.awaitReadiness(this.failFast);
		}
		catch (RuntimeException ex) {
			this.startupWatch.clear();
			this.readinessWatch.clear();
			// A failed refresh does not stop lifecycle beans: do not leave the others
			// running.
			stop();
			throw ex;
		}
		if (started && this.keepAlive != null) {
			this.keepAlive.start();
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
		SidecarThreads.startAndJoin(this.registry.all()
			.stream()
			.map((sidecar) -> SidecarThreads.daemon(sidecar.name(), "stop", sidecar::stop))
			.toList());
		// Last, so that the JVM cannot exit while children are still being stopped.
		if (this.keepAlive != null) {
			this.keepAlive.stop();
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
