package io.github.sidecarchannels.core.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process and its descendants: waiting for the child's exit and ending the whole tree with
 * SIGTERM, then SIGKILL for whatever ignores it.
 */
public final class ProcessTree {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTree.class);

	/** Between SIGTERM and SIGKILL. */
	public static final Duration KILL_GRACE = Duration.ofSeconds(2);

	private final String sidecarName;

	private final Process process;

	/**
	 * @param sidecarName for log messages
	 * @param process the child
	 */
	public ProcessTree(String sidecarName, Process process) {
		this.sidecarName = sidecarName;
		this.process = process;
	}

	/** @return the child process */
	public Process process() {
		return this.process;
	}

	/** @return the child's pid */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * @param limit how long to wait
	 * @return whether the child exited within the limit
	 */
	public boolean awaitExit(Duration limit) {
		try {
			return this.process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !this.process.isAlive();
		}
	}

	/**
	 * @param limit how long to wait for the exit
	 * @return the exit code, or {@code null} if the child is still running after the limit
	 */
	public @Nullable Integer exitCode(Duration limit) {
		return awaitExit(limit) ? this.process.exitValue() : null;
	}

	/** SIGTERM the child and every descendant, then SIGKILL whatever is left after the grace period. */
	public void terminate() {
		List<ProcessHandle> tree = Stream.concat(Stream.of(this.process.toHandle()), this.process.descendants())
			.toList();
		tree.forEach(ProcessHandle::destroy);
		long deadline = System.nanoTime() + KILL_GRACE.toNanos();
		for (ProcessHandle handle : tree) {
			if (!awaitExit(handle, deadline)) {
				break;
			}
		}
		tree.stream().filter(ProcessHandle::isAlive).forEach((handle) -> {
			logger.warn("Sidecar '{}': pid {} ignored SIGTERM; sending SIGKILL", this.sidecarName, handle.pid());
			handle.destroyForcibly();
		});
	}

	/** @return false when interrupted: stop waiting and kill what is left */
	private static boolean awaitExit(ProcessHandle handle, long deadline) {
		try {
			handle.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			// Still alive after the grace period: killed by the caller.
		}
		return true;
	}

}
