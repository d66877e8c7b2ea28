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

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarStartException;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStateListener;
import io.github.sidecarchannels.core.supervision.Durations;

/**
 * Watches freshly started sidecars for a child that ends within its
 * {@code startup.grace}: a program that starts and dies at once (a missing script, an
 * import error) fails the application's startup instead of leaving it running with a
 * sidecar that restarts and gives up. Every sidecar's grace runs from its own start, so
 * waiting for all of them takes the longest grace, not the sum. It watches each instance
 * of a pool ({@link Sidecar#addInstanceStateListener}): one instance whose child dies at
 * once fails the start as a single sidecar would, even while the others keep the pool
 * running.
 */
final class StartupWatch implements SidecarStateListener {

	private final Map<String, CompletableFuture<Sidecar>> ended = new ConcurrentHashMap<>();

	private final Map<String, Duration> pending = new ConcurrentHashMap<>();

	private final List<Watched> watched = new ArrayList<>();

	/**
	 * Watch a sidecar about to be started: from now on an end of its child counts.
	 * @param sidecar the sidecar, whose instances' state changes this watch must already
	 * receive
	 * @param grace how long after its start an end counts as a failed start; zero to not
	 * watch
	 */
	void starting(Sidecar sidecar, Duration grace) {
		if (!grace.isZero()) {
			this.ended.put(sidecar.name(), new CompletableFuture<>());
			this.pending.put(sidecar.name(), grace);
		}
	}

	/**
	 * The sidecar's start returned: its grace runs from now, so that a slow spawn (a
	 * loaded machine) does not use it up before the child even runs.
	 * @param sidecar a sidecar passed to {@link #starting} before
	 */
	void started(Sidecar sidecar) {
		Duration grace = this.pending.remove(sidecar.name());
		if (grace != null) {
			this.watched.add(new Watched(sidecar, grace, System.nanoTime() + grace.toNanos()));
		}
	}

	@Override
	public void stateChanged(Sidecar instance, SidecarState previous, SidecarState next, String reason) {
		// A stop goes through STOPPING; any other way out of RUNNING is the child's own
		// end.
		if (previous == SidecarState.RUNNING && next != SidecarState.STOPPING) {
			CompletableFuture<Sidecar> end = this.ended.get(instance.name());
			if (end != null) {
				end.complete(instance);
			}
		}
	}

	/**
	 * Wait out the graces.
	 * @throws SidecarStartException for the first sidecar whose child ended within its
	 * grace
	 */
	void awaitGraces() {
		try {
			for (Watched candidate : this.watched) {
				awaitGrace(candidate);
			}
		}
		finally {
			clear();
		}
	}

	/**
	 * Forget every sidecar watched so far (after a start that failed before its graces
	 * were awaited).
	 */
	void clear() {
		this.ended.clear();
		this.pending.clear();
		this.watched.clear();
	}

	private void awaitGrace(Watched candidate) {
		long remaining = Math.max(0, candidate.deadlineNanos() - System.nanoTime());
		try {
			Sidecar instance = this.ended.get(candidate.sidecar().name()).get(remaining, TimeUnit.NANOSECONDS);
			throw endedEarly(instance, candidate.grace());
		}
		catch (TimeoutException ex) {
			// Still up after its grace: a good start.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	/**
	 * @param instance the sidecar, or the instance of its pool, whose child ended
	 */
	private static SidecarStartException endedEarly(Sidecar instance, Duration grace) {
		String reason = String.valueOf(instance.lastFailure());
		SidecarExitedException exited = new SidecarExitedException(instance.name(), instance.status().lastExitCode(),
				reason, instance.stderrTail());
		String description = exited.getMessage().substring(("Sidecar '" + instance.name() + "' ").length());
		SidecarDefinition definition = instance.definition();
		String which = (definition.instances() > 1)
				? "instance " + definition.instance() + " (of " + definition.instances() + "): " : "";
		return new SidecarStartException(instance.name(), which + "the child ended within startup.grace ("
				+ Durations.format(grace) + ") of being started: " + description, exited);
	}

	private record Watched(Sidecar sidecar, Duration grace, long deadlineNanos) {

	}

}
