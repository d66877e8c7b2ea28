package io.github.sidecarchannels.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process and everything it started: waiting for the child's exit and ending them
 * all with SIGTERM, then SIGKILL for whatever ignores it.
 * <p>
 * The child leads a session of its own ({@link ChildCommand}), so its descendants are
 * found by session id in {@code /proc}, even after the child exited and they were
 * re-parented to init. Without {@code /proc} or {@code setsid}, the child's living
 * descendants are what can be found.
 */
public final class ProcessTree {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTree.class);

	/** Between SIGTERM and SIGKILL. */
	public static final Duration KILL_GRACE = Duration.ofSeconds(2);

	/**
	 * How often to look whether signalled processes are gone: the kernel tells
	 * non-parents nothing.
	 */
	private static final long EXIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final String sidecarName;

	private final Process process;

	private final boolean leadsSession;

	/**
	 * @param sidecarName for log messages
	 * @param process the child
	 * @param leadsSession whether the child was started as the leader of a session of its
	 * own (its session id is then its pid, also before setsid(2) ran, when it has no
	 * descendants yet)
	 */
	public ProcessTree(String sidecarName, Process process, boolean leadsSession) {
		this.sidecarName = sidecarName;
		this.process = process;
		this.leadsSession = leadsSession;
	}

	/**
	 * @return the child process
	 */
	public Process process() {
		return this.process;
	}

	/**
	 * @return the child's pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * @return whether the child leads its own session, so every descendant can be found
	 */
	public boolean leadsSession() {
		return this.leadsSession;
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
	 * @return the exit code, or {@code null} if the child is still running after the
	 * limit
	 */
	public @Nullable Integer exitCode(Duration limit) {
		return awaitExit(limit) ? this.process.exitValue() : null;
	}

	/**
	 * @return the pids of the child and of every living process of its session
	 */
	public List<Long> members() {
		Stream<Long> others = this.leadsSession ? sessionMembers(pid())
				: this.process.descendants().map(ProcessHandle::pid);
		Stream<Long> child = this.process.isAlive() ? Stream.of(pid()) : Stream.empty();
		return Stream.concat(child, others).distinct().toList();
	}

	/**
	 * SIGTERM the child and its whole session, then SIGKILL whatever is left after the
	 * grace period.
	 */
	public void terminate() {
		List<Long> members = members();
		if (members.isEmpty()) {
			return;
		}
		members.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
		long deadline = System.nanoTime() + KILL_GRACE.toNanos();
		while (!(members = members()).isEmpty() && System.nanoTime() < deadline
				&& !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(EXIT_POLL_NANOS);
		}
		for (long pid : members) {
			logger.warn("Sidecar '{}': pid {} ignored SIGTERM; sending SIGKILL", this.sidecarName, pid);
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		this.process.toHandle().onExit().join();
	}

	/**
	 * SIGKILL the child and its whole session at once: a hung child would not react to
	 * SIGTERM either.
	 */
	public void kill() {
		members().forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
	}

	private static Stream<Long> sessionMembers(long session) {
		return ProcessHandle.allProcesses()
			.map(ProcessHandle::pid)
			.filter((
					pid) -> ProcStat.of(pid).filter((stat) -> stat.session() == session && stat.running()).isPresent());
	}

	/**
	 * The fields of {@code /proc/<pid>/stat} we need; the command name in parentheses may
	 * contain anything, so fields are counted from the last closing parenthesis.
	 */
	record ProcStat(char state, long session) {

		/** A zombie has exited; only its parent (init, for orphans) can still reap it. */
		boolean running() {
			return this.state != 'Z' && this.state != 'X';
		}

		static Optional<ProcStat> of(long pid) {
			try {
				String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
				String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ", 6);
				return Optional.of(new ProcStat(fields[0].charAt(0), Long.parseLong(fields[3])));
			}
			catch (IOException | RuntimeException ex) {
				// Gone, or no /proc on this OS.
				return Optional.empty();
			}
		}

	}

}
