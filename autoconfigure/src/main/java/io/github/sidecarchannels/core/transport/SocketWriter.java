package io.github.sidecarchannels.core.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import org.jspecify.annotations.Nullable;

/**
 * Drains the outbound queue onto the socket. A caller that will wait for the reply (a
 * blocking request, see {@link WaitingCaller}) writes its message itself while the socket
 * certainly has room ({@link DirectRoom}): its thread is idle until the answer anyway,
 * and the round trip saves a hand-off. Everything else is written by a writer thread,
 * which joins what was queued meanwhile into one write, so callers that go on working
 * never pay for the system call; it is started on demand and ends after
 * {@link #WRITER_KEEP_ALIVE_MILLIS} without work, so an idle sidecar has none. Frames
 * sent from the reading thread while it delivers a read go out together once the read is
 * delivered. One drainer at a time: a thread that queues while another drains leaves its
 * message to that one ({@link #kick()}).
 * <p>
 * In stream framings everything taken from the queue at once goes out in one write call
 * (coalescing); in seqpacket every message is one write, so one record. A message counts
 * as written once write calls accepted its whole frame, even if a later part of the same
 * write failed. When a write fails, the messages not yet written are handed back in
 * order, so they can go to a restarted child; those written are never repeated. Written
 * messages stay in the {@link WrittenLog} until the socket cannot hold them any more, so
 * what the child never read can be told from the bytes left in its end
 * ({@link #position()}).
 */
public final class SocketWriter {

	/**
	 * The coalescing buffer; larger frames go to the writer thread, which bypasses it.
	 */
	static final int WRITE_BUFFER_SIZE = 64 * 1024;

	/**
	 * The most messages taken from the queue at once; bounds what a failure can hand
	 * back.
	 */
	static final int MAX_BATCH = 1024;

	/**
	 * The most batches one caller writes for others before the writer thread takes over:
	 * a sender is never kept writing for long.
	 */
	static final int MAX_DIRECT_BATCHES = 8;

	/** How long an idle writer thread waits for work before it ends. */
	static final long WRITER_KEEP_ALIVE_MILLIS = 10_000;

	private final BlockingQueue<Outgoing> queue;

	private final SocketPair socket;

	private final Framing framing;

	private final RequestCorrelation pending;

	private final SidecarMetrics metrics;

	private final Listener listener;

	private final OutboundBudget budget;

	private final WrittenLog log;

	private final WriterThread writerThread;

	private final DirectRoom room;

	/** Messages taken from the queue and not written yet, in order. */
	private final List<Outgoing> batch = new ArrayList<>();

	/**
	 * Native memory, so a caller's write is a plain send(2) that cannot be interrupted.
	 */
	private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);

	/**
	 * Kicks not yet answered; whoever raises it from zero drains until it is zero again.
	 */
	private final AtomicInteger kicks = new AtomicInteger();

	private final CountDownLatch ended = new CountDownLatch(1);

	/** Set by the drainer for the duration of a drain. */
	private boolean blocking;

	private volatile boolean started;

	private volatile boolean stopRequested;

	/** The thread delivering one read's frames, whose sends wait for the read's end. */
	private volatile @Nullable Thread deferringThread;

	/** Whether the deferring thread queued something; only it touches this. */
	private boolean deferred;

	/**
	 * Where each frame of the current batch ends in the byte stream; grows with the
	 * batch.
	 */
	private long[] frameEnds = new long[MAX_BATCH];

	/**
	 * Messages of the current batch whose frames are complete in the buffer or on the
	 * socket.
	 */
	private int encoded;

	/** Where the last encoded frame ends in the byte stream. */
	private long encodedPosition;

	/** The bytes write calls accepted on this connection. */
	private volatile long position;

	/**
	 * @param carryOver messages a previous connection accepted but never wrote, written
	 * first
	 * @param budget given back the bytes of each message written
	 * @param log remembers what was written
	 */
	SocketWriter(String sidecarName, List<Outgoing> carryOver, BlockingQueue<Outgoing> queue, SocketPair socket,
			Framing framing, RequestCorrelation pending, SidecarMetrics metrics, OutboundBudget budget, WrittenLog log,
			Listener listener) {
		this.batch.addAll(carryOver);
		this.budget = budget;
		this.log = log;
		this.queue = queue;
		this.socket = socket;
		this.framing = framing;
		this.pending = pending;
		this.metrics = metrics;
		this.listener = listener;
		this.room = new DirectRoom(socket);
		this.writerThread = new WriterThread(sidecarName, this::drainOnWriterThread, WRITER_KEEP_ALIVE_MILLIS);
	}

	/**
	 * @return the bytes write calls accepted on this connection, frames read in part
	 * included
	 */
	long position() {
		return this.position;
	}

	/** Let writing begin: until now, everything waits in the queue. */
	void start() {
		this.started = true;
		drain();
	}

	/**
	 * Tell the writer something was queued: a waiting caller, or any sender of records,
	 * drains on its own thread; otherwise the writer thread does. On the thread
	 * delivering a read's frames the drain waits until the read is delivered, so replies
	 * sent from there coalesce.
	 */
	void kick() {
		if (Thread.currentThread() == this.deferringThread) {
			this.deferred = true;
			return;
		}
		if (WaitingCaller.isWaiting() || !this.framing.coalesces()) {
			drain();
			return;
		}
		// Wake the writer thread unless someone drains already (and will see the kick).
		if (this.kicks.getAndIncrement() == 0) {
			this.writerThread.handOver(1);
		}
	}

	/** Drain now, even on the delivering thread: it is about to wait for room. */
	void kickNow() {
		drain();
	}

	/** The calling thread delivers one read's frames now. */
	void deferWhileDelivering() {
		this.deferringThread = Thread.currentThread();
	}

	/** The read is delivered: write what its frames made the thread send. */
	void delivered() {
		this.deferringThread = null;
		if (this.deferred) {
			this.deferred = false;
			drain();
		}
	}

	/**
	 * Stop writing; what is held goes back unwritten, through the listener.
	 * @return false if the writer did not stop within the limit
	 */
	boolean stop(long limitMillis) throws InterruptedException {
		this.stopRequested = true;
		drain();
		if (this.ended.await(limitMillis, TimeUnit.MILLISECONDS)) {
			this.writerThread.end();
			return true;
		}
		// Last resort: a writer stuck in a write the shutdown did not fail.
		this.writerThread.interrupt();
		boolean stopped = this.ended.await(limitMillis, TimeUnit.MILLISECONDS);
		this.writerThread.end();
		return stopped;
	}

	private void drain() {
		// A drainer at work sees the kick before it lets go.
		if (this.kicks.getAndIncrement() == 0) {
			drainLoop(1, false);
		}
	}

	private void drainOnWriterThread(int kicksTaken) {
		drainLoop(kicksTaken, true);
	}

	/**
	 * Drain until no kick is left unanswered, unless the draining passes to the writer
	 * thread, which then answers them.
	 */
	private void drainLoop(int kicksTaken, boolean onWriterThread) {
		int unanswered = kicksTaken;
		while (true) {
			this.blocking = onWriterThread;
			if (!drainOnce()) {
				this.writerThread.handOver(unanswered);
				return;
			}
			unanswered = this.kicks.addAndGet(-unanswered);
			if (unanswered == 0) {
				return;
			}
		}
	}

	/**
	 * @return false if the rest must be written by the writer thread
	 */
	private boolean drainOnce() {
		if (this.ended.getCount() == 0) {
			return true;
		}
		try {
			if (this.stopRequested) {
				// What it holds goes back unwritten, in order.
				throw new IOException("writer stopped");
			}
			return !this.started || (this.blocking ? drainBlocking() : drainDirect());
		}
		catch (IOException ex) {
			this.listener.writeFailed(ex, unwritten());
			this.ended.countDown();
			return true;
		}
	}

	/** On the writer thread: everything queued, waiting on the socket as needed. */
	private boolean drainBlocking() throws IOException {
		// Its writes are not counted: callers ask the socket before writing again.
		this.room.forget();
		while (!this.stopRequested) {
			this.queue.drainTo(this.batch, MAX_BATCH - this.batch.size());
			if (this.batch.isEmpty() || !writeBatch(this.batch.size())) {
				return true;
			}
		}
		throw new IOException("writer stopped");
	}

	/**
	 * On the caller's thread: what the socket takes without waiting, a bounded number of
	 * batches.
	 */
	private boolean drainDirect() throws IOException {
		for (int round = 0; round < MAX_DIRECT_BATCHES; round++) {
			this.queue.drainTo(this.batch, MAX_BATCH - this.batch.size());
			if (this.batch.isEmpty()) {
				return true;
			}
			int fitting = fittingPrefix();
			if (fitting == 0) {
				return false;
			}
			if (!writeBatch(fitting)) {
				return true;
			}
		}
		return this.batch.isEmpty() && this.queue.isEmpty();
	}

	/**
	 * @return how many messages at the head of the batch the socket certainly takes now:
	 * in stream framings as many as one buffer holds, for one write call
	 */
	private int fittingPrefix() throws IOException {
		boolean coalesces = this.framing.coalesces();
		long bytes = 0;
		long cost = 0;
		int fitting = 0;
		for (Outgoing message : this.batch) {
			if (!message.isMarker()) {
				long frame = message.size() + this.framing.overhead();
				long total = coalesces ? DirectRoom.cost(bytes + frame) : cost + DirectRoom.cost(frame);
				if (frame > this.buffer.capacity() || (coalesces && bytes + frame > this.buffer.capacity())
						|| !this.room.has(total, fitting == 0)) {
					break;
				}
				bytes += frame;
				cost = total;
			}
			fitting++;
		}
		this.room.use(cost);
		return fitting;
	}

	/**
	 * Write the first messages of the batch, up to the first marker.
	 * @return false once the end-of-input marker was reached and the socket half-closed
	 */
	private boolean writeBatch(int count) throws IOException {
		int marker = firstMarker(count);
		if (marker < 0) {
			write(this.batch.subList(0, count));
			return true;
		}
		write(this.batch.subList(0, marker));
		this.batch.remove(0);
		this.listener.shutdownOutput();
		this.listener.endOfInputWritten(unwritten());
		this.ended.countDown();
		return false;
	}

	/** One pass over the messages, the only one besides writing them. */
	private int firstMarker(int count) {
		for (int i = 0; i < count; i++) {
			if (this.batch.get(i).isMarker()) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Writes the messages and removes them from the list; on failure only the unwritten
	 * ones remain.
	 */
	private void write(List<Outgoing> messages) throws IOException {
		for (Outgoing message : messages) {
			if (message.request != null) {
				this.pending.written(message.request);
			}
		}
		if (this.frameEnds.length < messages.size()) {
			this.frameEnds = new long[messages.size()];
		}
		this.encoded = 0;
		this.encodedPosition = this.position;
		try {
			for (Outgoing message : messages) {
				encode(message.payload);
			}
			flush();
		}
		finally {
			List<Outgoing> done = messages.subList(0, countWritten());
			recordWritten(done);
			done.clear();
			retractRequests(messages);
		}
	}

	private int countWritten() {
		int written = 0;
		while (written < this.encoded && this.frameEnds[written] <= this.position) {
			written++;
		}
		return written;
	}

	private void recordWritten(List<Outgoing> done) {
		long bytes = 0;
		for (int i = 0; i < done.size(); i++) {
			Outgoing message = done.get(i);
			bytes += message.size();
			this.log.written(message, this.frameEnds[i]);
		}
		this.budget.release(bytes);
		this.metrics.sent(done.size(), bytes);
	}

	private void encode(ByteBuffer payload) throws IOException {
		int length = payload.remaining();
		if (!this.framing.coalesces()) {
			messageEncoded(length);
			writeRecord(payload.duplicate());
			return;
		}
		int frameLength = length + this.framing.overhead();
		if (frameLength > this.buffer.remaining()) {
			flush();
		}
		// Overhead is an upper bound (a content-length header varies): frame ends count
		// real bytes.
		int headerStart = this.buffer.position();
		this.framing.writeHeader(length, this.buffer);
		int framed = this.buffer.position() - headerStart;
		if (frameLength > this.buffer.capacity()) {
			flush();
			writeFully(payload.duplicate());
		}
		else {
			this.buffer.put(payload.duplicate());
		}
		int trailerStart = this.buffer.position();
		this.framing.writeTrailer(this.buffer);
		framed += this.buffer.position() - trailerStart;
		messageEncoded(framed + length);
	}

	/** A record goes out in one call: through the buffer if it fits, else as it is. */
	private void writeRecord(ByteBuffer record) throws IOException {
		if (record.remaining() > this.buffer.capacity()) {
			writeFully(record);
			return;
		}
		this.buffer.put(record);
		flush();
	}

	private void messageEncoded(int frameLength) {
		this.encodedPosition += frameLength;
		this.frameEnds[this.encoded++] = this.encodedPosition;
	}

	private void flush() throws IOException {
		this.buffer.flip();
		try {
			writeFully(this.buffer);
		}
		finally {
			this.buffer.clear();
		}
	}

	/**
	 * The writer thread may block; a caller writes only what the socket has room for,
	 * with a call no interrupt can turn into a closed socket.
	 */
	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.position += (this.blocking || !bytes.isDirect()) ? this.socket.channel().write(bytes)
					: this.socket.send(bytes);
		}
	}

	/**
	 * Requests whose bytes never reached the socket wait for the next connection, not for
	 * a reply.
	 */
	private void retractRequests(List<Outgoing> unwritten) {
		for (Outgoing message : unwritten) {
			if (message.request != null) {
				this.pending.retract(message.request);
			}
		}
	}

	/**
	 * What was accepted but not written, in order: the current batch. What is still
	 * queued stays in the queue, the sidecar's.
	 */
	private List<Outgoing> unwritten() {
		List<Outgoing> unwritten = new ArrayList<>(this.batch);
		this.batch.clear();
		unwritten.removeIf(Outgoing::isMarker);
		return unwritten;
	}

	/**
	 * What the writer tells its owner.
	 */
	interface Listener {

		/** All input was written; half-close the socket now. */
		void shutdownOutput() throws IOException;

		/**
		 * The writer ended normally after the end-of-input marker.
		 * @param unwritten messages that raced in after the marker, in order
		 */
		void endOfInputWritten(List<Outgoing> unwritten);

		/**
		 * The writer ended on an error, or was stopped.
		 * @param cause why
		 * @param unwritten messages taken from the queue but not written, in order
		 */
		void writeFailed(IOException cause, List<Outgoing> unwritten);

	}

}
