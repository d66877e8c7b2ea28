package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.github.sidecarchannels.core.ReadySignal;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarStartException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStateListener;
import io.github.sidecarchannels.core.supervision.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for freshly started sidecars with {@code startup.ready: message} to be ready, so
 * that the application does not take requests while a child is still loading. All are
 * waited on together: each one's {@code startup.timeout} runs from its own start (the
 * child is killed when it runs out, so the wait ends then at the latest).
 */
final class ReadinessWatch implements SidecarStateListener {

	private static final Logger logger = LoggerFactory.getLogger(ReadinessWatch.class);

	/**
	 * Beyond the timeout: killing the unready child and reporting its end take a moment.
	 */
	private static final Duration SETTLE_MARGIN = Duration.ofSeconds(5);

	private final Map<String, CompletableFuture<SidecarState>> settled = new ConcurrentHashMap<>();

	private final List<Watched> watched = new ArrayList<>();

	/**
	 * Watch a sidecar about to be started, if it signals readiness.
	 * @param sidecar the sidecar, whose state changes this watch must already receive
	 */
	void starting(Sidecar sidecar) {
		if (sidecar.definition().readySignal() == ReadySignal.MESSAGE) {
			Duration timeout = sidecar.definition().startupTimeout();
			this.settled.put(sidecar.name(), new CompletableFuture<>());
			this.watched.add(new Watched(sidecar, System.nanoTime() + timeout.plus(SETTLE_MARGIN).toNanos()));
		}
	}

	@Override
	public void stateChanged(Sidecar sidecar, SidecarState previous, SidecarState next, String reason) {
		if (previous == SidecarState.STARTING && next != SidecarState.STARTING) {
			CompletableFuture<SidecarState> state = this.settled.get(sidecar.name());
			if (state != null) {
				state.complete(next);
			}
		}
	}

	/**
	 * Wait until every watched sidecar is ready or has failed to be.
	 * @param failFast which sidecars (by name) fail the startup when they do not become
	 * ready
	 * @throws SidecarStartException for the first fail-fast sidecar that did not become
	 * ready
	 */
	void awaitReadiness(Predicate<String> failFast) {
		try {
			for (Watched candidate : this.watched) {
				Sidecar sidecar = candidate.sidecar();
				if (awaitSettled(candidate) != SidecarState.RUNNING) {
					if (failFast.test(sidecar.name())) {
						throw notReady(sidecar);
					}
					logger.error("Sidecar '{}' did not become ready (fail-fast is off): {}", sidecar.name(),
							sidecar.lastFailure());
				}
			}
		}
		finally {
			clear();
		}
	}

	/** Forget every sidecar watched so far. */
	void clear() {
		this.settled.clear();
		this.watched.clear();
	}

	private SidecarState awaitSettled(Watched candidate) {
		long remaining = Math.max(0, candidate.deadlineNanos() - System.nanoTime());
		try {
			return this.settled.get(candidate.sidecar().name()).get(remaining, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return candidate.sidecar().state();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return candidate.sidecar().state();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	private static SidecarStartException notReady(Sidecar sidecar) {
		String reason = String.valueOf(sidecar.lastFailure());
		SidecarExitedException exited = new SidecarExitedException(sidecar.name(), sidecar.status().lastExitCode(),
				reason, sidecar.stderrTail());
		return new SidecarStartException(sidecar.name(),
				"did not become ready (startup.ready: message, " + "startup.timeout "
						+ Durations.format(sidecar.definition().startupTimeout()) + "): " + reason
						+ "; make the child signal readiness (ready() in the bundled clients) or raise startup.timeout",
				exited);
	}

	private record Watched(Sidecar sidecar, long deadlineNanos) {

	}

}
