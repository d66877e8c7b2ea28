package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.sidecarchannels.core.framing.FramingException;
import io.github.sidecarchannels.core.process.ChildStderr;
import io.github.sidecarchannels.core.process.ProcessTree;
import io.github.sidecarchannels.core.supervision.Durations;
import io.github.sidecarchannels.core.supervision.Supervisor;
import io.github.sidecarchannels.core.transport.ChildConnection;
import io.github.sidecarchannels.core.transport.Outgoing;
import io.github.sidecarchannels.core.transport.SocketPair;
import io.github.sidecarchannels.core.transport.SocketReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child's life, from its first byte to its last: the process tree, its connection and
 * its stderr (read by the JVM's one stderr poller); the graceful stop; and, on the
 * reading thread, what happens when the connection ends (find the exit code, end what is
 * left of the child's session, tell the supervisor, report what the child never read,
 * then fail whoever still waits for a reply).
 * <p>
 * A child that signals readiness ({@link ReadySignal#MESSAGE}) is read from at once but
 * written to only once it is ready; if it is not ready within {@code startup.timeout} it
 * is killed and its start counts as failed.
 * <p>
 * The connection ends when the child exits (we hold a copy of its end of the socket, so
 * its exit, not end of file, is the signal) or when it breaks the framing.
 */
final class ProcessChild implements Supervisor.Child, SocketReader.Listener {

	private static final Logger logger = LoggerFactory.getLogger(ProcessChild.class);

	/**
	 * How long a child that closed its socket may take to exit before it is terminated.
	 */
	private static final Duration EXIT_AFTER_EOF = Duration.ofSeconds(1);

	private final DefaultSidecar sidecar;

	private final Supervisor supervisor;

	private final ProcessTree tree;

	private final ChildConnection connection;

	private final ChildStderr stderr;

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile boolean stopRequested;

	/** Why we ended the child ourselves (out of step, not ready in time), or null. */
	private volatile @Nullable String endedBecause;

	private final AtomicBoolean awaitingReady;

	private volatile @Nullable ScheduledFuture<?> startupTimeout;

	private final @Nullable Heartbeat heartbeat;

	ProcessChild(DefaultSidecar sidecar, Supervisor supervisor, ProcessTree tree, SocketPair socket,
			ChildStderr stderr) {
		this.sidecar = sidecar;
		this.supervisor = supervisor;
		this.tree = tree;
		this.awaitingReady = new AtomicBoolean(sidecar.definition().readySignal() == ReadySignal.MESSAGE);
		this.heartbeat = heartbeat(sidecar);
		sidecar.connected(tree.pid());
		this.connection = new ChildConnection(sidecar.name(), socket, sidecar.connectionSettings(),
				sidecar.outbox().takeCarryOver(), sidecar.outbox().queue(), sidecar.outbox().budget(),
				sidecar.correlation(), sidecar.metrics(), sidecar.frames(), this);
		sidecar.outbox().writeWith(this.connection);
		this.stderr = stderr;
	}

	private @Nullable Heartbeat heartbeat(DefaultSidecar sidecar) {
		SidecarDefinition definition = sidecar.definition();
		if (definition.heartbeatInterval().isZero()) {
			return null;
		}
		return new Heartbeat(sidecar.name(), definition.heartbeatInterval(), definition.heartbeatTimeout(),
				definition.startupTimeout(), sidecar.scheduler(), sidecar.ping(), this::hung);
	}

	@Override
	public long pid() {
		return this.tree.pid();
	}

	boolean isAlive() {
		return this.tree.process().isAlive();
	}

	@Override
	public String description() {
		return this.sidecar.definition().command().toString();
	}

	@Override
	public boolean signalsReadiness() {
		return this.sidecar.definition().readySignal() == ReadySignal.MESSAGE;
	}

	@Override
	public void begin() {
		if (signalsReadiness()) {
			Duration timeout = this.sidecar.definition().startupTimeout();
			this.startupTimeout = this.sidecar.scheduler()
				.scheduleBlocking(() -> endBecause(
						"did not signal " + "readiness within startup.timeout (" + Durations.format(timeout) + ")",
						false), timeout, name(), "startup-timeout");
			this.connection.startReading();
		}
		else {
			this.connection.start();
			startHeartbeat(false);
		}
		this.tree.process().onExit().thenRun(this.connection::shutdownInput);
	}

	/**
	 * @return whether the child is still to signal readiness: nothing is written to it
	 * until it has
	 */
	boolean isAwaitingReady() {
		return this.awaitingReady.get();
	}

	/** The child sent something: a sign of life. */
	void heard() {
		Heartbeat beat = this.heartbeat;
		if (beat != null) {
			beat.heard();
		}
	}

	private void startHeartbeat(boolean childSpoke) {
		Heartbeat beat = this.heartbeat;
		if (beat != null) {
			beat.start(childSpoke);
		}
	}

	/**
	 * Silent for heartbeat.timeout (or, before its first message, startup.timeout): alive
	 * but stuck (a deadlock), so it would not react to SIGTERM either.
	 */
	private void hung(boolean spokeBefore) {
		this.sidecar.metrics().error("hung");
		SidecarDefinition definition = this.sidecar.definition();
		endBecause(spokeBefore ? "hung: no heartbeat within " + Durations.format(definition.heartbeatTimeout())
				: "hung: sent nothing within startup.timeout (" + Durations.format(definition.startupTimeout())
						+ ") of its start",
				true);
	}

	/**
	 * The child signalled readiness (on the reading thread): from now on it is written
	 * to.
	 */
	void ready() {
		if (this.awaitingReady.compareAndSet(true, false)) {
			ScheduledFuture<?> timeout = this.startupTimeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
			if (this.supervisor.childReady(this)) {
				this.connection.startWriting();
				startHeartbeat(true);
			}
		}
	}

	/**
	 * Flush, end input and give the child the rest of stop-timeout to read it all and
	 * exit; then SIGTERM and SIGKILL it. Whatever is left of its session goes the same
	 * way, so nothing it started outlives the stop.
	 */
	@Override
	public void stop() {
		this.stopRequested = true;
		stopHeartbeat();
		Duration timeout = this.sidecar.definition().stopTimeout();
		long deadline = System.nanoTime() + timeout.toNanos();
		if (this.awaitingReady.get()) {
			// Never written to, so end of input cannot be sent either.
			this.tree.terminate();
			return;
		}
		try {
			if (!this.sidecar.outbox().endInput(remaining(deadline))) {
				logger.warn("Sidecar '{}': the child did not read its pending input within stop-timeout", name());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.tree.awaitExit(Duration.ofNanos(remaining(deadline)))) {
			logger.warn("Sidecar '{}': still running {} after end of input; terminating it", name(), timeout);
		}
		this.tree.terminate();
	}

	/**
	 * End a child whose replies no longer line up with the requests; its end then counts
	 * as a failure with this reason, and the restart policy decides what follows. Called
	 * on the reading thread.
	 * @param reason why, for the state, the log and the requests that fail
	 */
	void restartOutOfStep(String reason) {
		endBecause(reason, false);
	}

	private void endBecause(String reason, boolean kill) {
		if (!this.stopRequested && this.endedBecause == null) {
			this.endedBecause = reason;
			logger.error("Sidecar '{}' {}", name(), reason);
			if (kill) {
				this.tree.kill();
			}
			else {
				this.tree.terminate();
			}
		}
	}

	@Override
	public void awaitClosed(Duration limit) {
		try {
			if (!this.closed.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Sidecar '{}': the connection did not close after the child was gone; closing it", name());
				this.connection.close();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void connectionEnded(@Nullable Exception failure) {
		try {
			handleEnd(failure);
		}
		finally {
			this.closed.countDown();
		}
	}

	private void handleEnd(@Nullable Exception failure) {
		stopHeartbeat();
		ScheduledFuture<?> timeout = this.startupTimeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
		boolean protocolViolation = failure instanceof FramingException;
		if (protocolViolation) {
			this.sidecar.metrics().error("protocol");
			logger.error("Sidecar '{}': protocol violation, closing the connection: {}", name(), failure.getMessage());
			this.tree.terminate();
		}
		Integer exitCode = awaitExitCode();
		// Descendants still holding the socket could go on reading it, or hold the stderr
		// pipe open.
		this.tree.terminate();
		// The child's last words are usually still on their way through its stderr: read
		// them into the tail first.
		this.stderr.awaitDrained(EXIT_AFTER_EOF);
		String reason = this.stopRequested ? "was stopped" : describeEnd(failure);
		SidecarExitedException cause = new SidecarExitedException(name(), exitCode, reason, this.sidecar.stderrTail());
		this.sidecar.outbox().stopWritingWith(this.connection);
		List<Outgoing> unwritten = this.connection.stopWriter(ProcessTree.KILL_GRACE);
		this.sidecar.disconnected(exitCode, unwritten, this.connection.unread());
		if (!this.stopRequested) {
			boolean failed = protocolViolation || this.endedBecause != null || failure != null || exitCode == null
					|| exitCode != 0;
			this.supervisor.childEnded(this, failed, withExitCode(reason, exitCode));
		}
		// Unless giving up reported them already, ahead of the messages queued after
		// them.
		this.sidecar.reportUnread();
		// The state says what happened before any caller hears of it.
		this.sidecar.correlation().failAll(cause);
		this.connection.close();
		// A descendant may still hold the child's stderr: stop reading ours regardless.
		this.stderr.close();
		this.stderr.awaitDrained(ProcessTree.KILL_GRACE);
	}

	/**
	 * The exit code, once the child is gone; a child that closed its socket but lives on
	 * is terminated.
	 */
	private @Nullable Integer awaitExitCode() {
		if (!this.tree.awaitExit(EXIT_AFTER_EOF) && !this.stopRequested) {
			logger.warn("Sidecar '{}' closed its socket but did not exit; terminating it", name());
			this.tree.terminate();
		}
		return this.tree.exitCode(ProcessTree.KILL_GRACE);
	}

	private String describeEnd(@Nullable Exception failure) {
		String ourReason = this.endedBecause;
		if (ourReason != null) {
			return ourReason;
		}
		if (failure instanceof FramingException) {
			return "broke the " + this.sidecar.definition().framingWireName() + " framing: " + failure.getMessage();
		}
		if (failure != null) {
			return "lost its connection: " + failure;
		}
		return "exited";
	}

	private static String withExitCode(String reason, @Nullable Integer exitCode) {
		return (exitCode != null) ? reason + " (exit code " + exitCode + ")" : reason;
	}

	private void stopHeartbeat() {
		Heartbeat beat = this.heartbeat;
		if (beat != null) {
			beat.stop();
		}
	}

	private String name() {
		return this.sidecar.name();
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

}
