package io.github.sidecarchannels.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.channel.Payloads;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.transport.ChildConnection;
import io.github.sidecarchannels.core.transport.OutboundBudget;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.jspecify.annotations.Nullable;

/**
 * The outbound side of a sidecar, which outlives its children: the queue, bounded in
 * messages ({@code outbound-capacity}) and in bytes ({@link OutboundBudget}), so that
 * messages accepted during a restart go to the next child; what a dead child's writer
 * never wrote (carried over, first thing for the next child); and what a dead child was
 * given but never read (reported, never written again).
 */
final class Outbox {

	private final Payloads payloads;

	private final BlockingQueue<Outgoing> queue;

	private final OutboundBudget budget;

	private final RequestCorrelation correlation;

	private final ErrorReporter errorReporter;

	private final Supplier<SidecarState> state;

	private final Supplier<@Nullable String> stateReason;

	/** Accepted by a dead connection's writer but never written. */
	private volatile List<Outgoing> carryOver = List.of();

	/** Written to a dead child that never read them. */
	private final AtomicReference<List<Outgoing>> unread = new AtomicReference<>(List.of());

	/** The connection that writes what is queued, told of every message added. */
	private final AtomicReference<@Nullable ChildConnection> writer = new AtomicReference<>();

	/**
	 * @param state the sidecar's state: messages are accepted only while it runs or is on
	 * its way to running
	 * @param stateReason why the sidecar is in its state, for refusals
	 */
	Outbox(SidecarDefinition definition, Payloads payloads, RequestCorrelation correlation, ErrorReporter errorReporter,
			Supplier<SidecarState> state, Supplier<@Nullable String> stateReason) {
		this.payloads = payloads;
		this.queue = new ArrayBlockingQueue<>(definition.outboundCapacity());
		this.budget = new OutboundBudget(definition.outboundBufferSize());
		this.correlation = correlation;
		this.errorReporter = errorReporter;
		this.state = state;
		this.stateReason = stateReason;
	}

	BlockingQueue<Outgoing> queue() {
		return this.queue;
	}

	/**
	 * @param connection writes what is queued from now on
	 */
	void writeWith(ChildConnection connection) {
		this.writer.set(connection);
		// Queued while no connection was told of it.
		connection.kickNow();
	}

	/**
	 * @param connection no longer writes: what is queued waits for the next one
	 */
	void stopWritingWith(ChildConnection connection) {
		this.writer.compareAndSet(connection, null);
	}

	OutboundBudget budget() {
		return this.budget;
	}

	/**
	 * @return messages waiting to be written
	 */
	int size() {
		return this.queue.size();
	}

	// ---- accepting

	/**
	 * Queue a message for the writer. While the sidecar restarts, the message waits for
	 * the next child.
	 * @param timeoutNanos negative to wait as long as it takes
	 * @return false if the queue stayed full for the whole timeout
	 */
	boolean accept(Outgoing message, long timeoutNanos) throws InterruptedException {
		requireAccepting(message);
		requireFits(message);
		long deadline = System.nanoTime() + timeoutNanos;
		if (!acquire(message, timeoutNanos)) {
			return false;
		}
		if (!offer(message, (timeoutNanos < 0) ? -1 : Math.max(0, deadline - System.nanoTime()))) {
			this.budget.release(message.size());
			return false;
		}
		// The sidecar may have stopped for good while we waited: take the message back
		// rather than strand it.
		if (!isAccepting(this.state.get()) && this.queue.remove(message)) {
			this.budget.release(message.size());
			requireAccepting(message);
		}
		kick();
		return true;
	}

	/**
	 * Queue end of input for the current child: once everything before it is written, its
	 * socket is half-closed.
	 * @param timeoutNanos how long to wait for room in the queue
	 * @return false if the queue stayed full
	 */
	boolean endInput(long timeoutNanos) throws InterruptedException {
		if (!offer(Outgoing.END_OF_INPUT, timeoutNanos)) {
			return false;
		}
		kick();
		return true;
	}

	/** Before waiting for room, the writer must know there is something to write. */
	private boolean acquire(Outgoing message, long timeoutNanos) throws InterruptedException {
		if (this.budget.acquire(message.size(), 0)) {
			return true;
		}
		kickNow();
		return this.budget.acquire(message.size(), timeoutNanos);
	}

	private boolean offer(Outgoing message, long timeoutNanos) throws InterruptedException {
		if (this.queue.offer(message)) {
			return true;
		}
		kickNow();
		if (timeoutNanos < 0) {
			this.queue.put(message);
			return true;
		}
		return this.queue.offer(message, timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void kick() {
		ChildConnection connection = this.writer.get();
		if (connection != null) {
			connection.kick();
		}
	}

	private void kickNow() {
		ChildConnection connection = this.writer.get();
		if (connection != null) {
			connection.kickNow();
		}
	}

	private void requireFits(Outgoing message) {
		if (message.size() > this.budget.limit()) {
			throw this.payloads.reject(message.message(),
					"the payload is " + message.size() + " bytes, more than outbound-buffer-size ("
							+ this.budget.limit() + " bytes); raise outbound-buffer-size or send smaller messages");
		}
	}

	private static boolean isAccepting(SidecarState state) {
		return state == SidecarState.RUNNING || state == SidecarState.RESTARTING || state == SidecarState.STARTING;
	}

	private void requireAccepting(Outgoing message) {
		SidecarState current = this.state.get();
		if (!isAccepting(current)) {
			String reason = this.stateReason.get();
			String why = (reason != null) ? ": " + reason : " (it was never started)";
			throw this.payloads.reject(message.message(), "cannot send while the sidecar is " + current + why);
		}
	}

	// ---- between children

	/**
	 * @param unwritten accepted but never written: for the next child
	 * @param unread written but never read by the child: reported, by
	 * {@link #reportUnread} or first thing in {@link #undeliverable}
	 */
	synchronized void disconnected(List<Outgoing> unwritten, List<Outgoing> unread) {
		this.carryOver = unwritten;
		this.unread.set(unread);
	}

	synchronized List<Outgoing> takeCarryOver() {
		List<Outgoing> taken = this.carryOver;
		this.carryOver = List.of();
		return taken;
	}

	// ---- a pool's hand-over

	/**
	 * Offer what waits here, in order (the carry-over, then the queue), to a pool's other
	 * instances, one message at a time, until one is refused. What moved no longer counts
	 * against this outbox's budget; what stays keeps its order and goes first to the next
	 * child. The end-of-input marker never moves.
	 * @param taker tries to place one message elsewhere
	 * @return how many messages moved
	 */
	synchronized int handOver(Function<Outgoing, HandOver> taker) {
		List<Outgoing> carried = this.carryOver;
		List<Outgoing> staying = new ArrayList<>();
		int moved = 0;
		int next = 0;
		boolean refused = false;
		while (!refused) {
			Outgoing message = (next < carried.size()) ? carried.get(next++) : this.queue.poll();
			if (message == null) {
				break;
			}
			HandOver verdict = !message.isMarker() ? taker.apply(message) : HandOver.REFUSED;
			if (verdict == HandOver.MOVED) {
				this.budget.release(message.size());
				moved++;
			}
			else {
				staying.add(message);
				refused = verdict == HandOver.REFUSED;
			}
		}
		staying.addAll(carried.subList(next, carried.size()));
		this.carryOver = List.copyOf(staying);
		return moved;
	}

	/** What became of one message offered to a pool's other instances. */
	enum HandOver {

		/** Another instance took it. */
		MOVED,

		/** It stays: it is meant for this instance's child; the next may still move. */
		KEPT,

		/** No instance can take it: it stays, and so does everything after it. */
		REFUSED

	}

	// ---- what cannot be delivered

	/**
	 * What was never read, then the carry-over and the queue, in order; the queue stays
	 * open for the next child.
	 */
	void undeliverable(String reason, @Nullable Integer exitCode, Supplier<List<String>> stderrTail) {
		reportUnread(exitCode, stderrTail);
		List<Outgoing> unwritten = new ArrayList<>(takeCarryOver());
		this.queue.drainTo(unwritten);
		unwritten.removeIf(Outgoing::isMarker);
		this.budget.release(unwritten.stream().mapToLong(Outgoing::size).sum());
		this.errorReporter.undelivered(unwritten, reason, exitCode, stderrTail);
	}

	/**
	 * Written to a child that is gone now, but never read by it: reported, never written
	 * again.
	 */
	void reportUnread(@Nullable Integer exitCode, Supplier<List<String>> stderrTail) {
		List<Outgoing> unread = this.unread.getAndSet(List.of());
		for (Outgoing message : unread) {
			if (message.request != null) {
				this.correlation.retract(message.request);
			}
		}
		this.errorReporter.undelivered(unread, "the child never read it", exitCode, stderrTail);
	}

}
