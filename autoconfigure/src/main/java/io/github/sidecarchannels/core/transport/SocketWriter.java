package io.github.sidecarchannels.core.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.RequestCorrelation;

/**
 * Drains the outbound queue onto the socket on its own thread. In stream framings
 * everything queued while the previous write was in progress goes out in one write call
 * (coalescing); in seqpacket every message is one write, so one record.
 * <p>
 * A message counts as written once write calls accepted its whole frame, even if a later
 * part of the same write failed. When a write fails, the messages not yet written are
 * handed back in order, so they can go to a restarted child; those written are never
 * repeated. Written messages stay in the {@link WrittenLog} until the socket cannot hold
 * them any more, so what the child never read can be told from the bytes left in its end
 * ({@link #position()}).
 */
public final class SocketWriter implements Runnable {

	/** The coalescing buffer; larger frames bypass it. */
	static final int WRITE_BUFFER_SIZE = 64 * 1024;

	/**
	 * The most messages taken from the queue at once; bounds what a failure can hand
	 * back.
	 */
	static final int MAX_BATCH = 1024;

	private final BlockingQueue<Outgoing> queue;

	private final WritableByteChannel channel;

	private final Framing framing;

	private final RequestCorrelation pending;

	private final SidecarMetrics metrics;

	private final Listener listener;

	private final OutboundBudget budget;

	private final WrittenLog log;

	private final List<Outgoing> batch = new ArrayList<>();

	/**
	 * Empty for record framings: each message is written on its own, never copied here.
	 */
	private final ByteBuffer buffer;

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
	SocketWriter(List<Outgoing> carryOver, BlockingQueue<Outgoing> queue, WritableByteChannel channel, Framing framing,
			RequestCorrelation pending, SidecarMetrics metrics, OutboundBudget budget, WrittenLog log,
			Listener listener) {
		this.batch.addAll(carryOver);
		this.budget = budget;
		this.log = log;
		this.queue = queue;
		this.channel = channel;
		this.framing = framing;
		this.pending = pending;
		this.metrics = metrics;
		this.listener = listener;
		this.buffer = ByteBuffer.allocateDirect(framing.coalesces() ? WRITE_BUFFER_SIZE : 0);
	}

	/**
	 * @return the bytes write calls accepted on this connection, frames read in part
	 * included
	 */
	long position() {
		return this.position;
	}

	@Override
	public void run() {
		try {
			while (writeNextBatch()) {
				this.batch.clear();
			}
			this.listener.endOfInputWritten(unwritten());
		}
		catch (IOException ex) {
			this.listener.writeFailed(ex, unwritten());
		}
		catch (InterruptedException ex) {
			this.listener.writeFailed(new IOException("writer stopped", ex), unwritten());
		}
	}

	/**
	 * @return false once the end-of-input marker was reached and the socket half-closed
	 */
	private boolean writeNextBatch() throws IOException, InterruptedException {
		if (this.batch.isEmpty()) {
			this.batch.add(this.queue.take());
		}
		this.queue.drainTo(this.batch, MAX_BATCH - this.batch.size());
		int marker = firstMarker();
		if (marker < 0) {
			write(this.batch);
			return true;
		}
		if (this.batch.get(marker) == Outgoing.STOP) {
			// What it holds goes back unwritten, in order.
			throw new IOException("writer stopped");
		}
		write(this.batch.subList(0, marker));
		this.batch.remove(0);
		this.listener.shutdownOutput();
		return false;
	}

	/** One pass over the batch, the only one besides writing it. */
	private int firstMarker() {
		for (int i = 0; i < this.batch.size(); i++) {
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
			writeFully(payload.duplicate());
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

	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.position += this.channel.write(bytes);
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
	 * What was accepted but not written, in order: the current batch, then whatever is
	 * still queued.
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
		 * The writer ended on an error.
		 * @param cause why
		 * @param unwritten messages taken from the queue but not written, in order
		 */
		void writeFailed(IOException cause, List<Outgoing> unwritten);

	}

}
