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
 * Drains the outbound queue onto the socket on its own thread. In stream framings everything queued
 * while the previous write was in progress goes out in one write call (coalescing); in seqpacket every
 * message is one write, so one record.
 * <p>
 * A message counts as written once its whole frame was accepted by a successful write call. When a
 * write fails, the messages not yet written are handed back in order, so they can go to a restarted
 * child; those written are never repeated.
 */
public final class SocketWriter implements Runnable {

	/** The coalescing buffer; larger frames bypass it. */
	static final int WRITE_BUFFER_SIZE = 64 * 1024;

	/** The most messages taken from the queue at once; bounds what a failure can hand back. */
	static final int MAX_BATCH = 1024;

	private final BlockingQueue<Outgoing> queue;

	private final WritableByteChannel channel;

	private final Framing framing;

	private final RequestCorrelation pending;

	private final SidecarMetrics metrics;

	private final Listener listener;

	private final List<Outgoing> batch = new ArrayList<>();

	/** Empty for record framings: each message is written on its own, never copied here. */
	private final ByteBuffer buffer;

	/** Messages of the current batch whose frames are complete in the buffer or on the socket. */
	private int encoded;

	private long encodedBytes;

	/** Messages of the current batch whose frames a write call accepted. */
	private int written;

	private long writtenBytes;

	/**
	 * @param carryOver messages a previous connection accepted but never wrote, written first
	 */
	SocketWriter(List<Outgoing> carryOver, BlockingQueue<Outgoing> queue, WritableByteChannel channel, Framing framing,
			RequestCorrelation pending, SidecarMetrics metrics, Listener listener) {
		this.batch.addAll(carryOver);
		this.queue = queue;
		this.channel = channel;
		this.framing = framing;
		this.pending = pending;
		this.metrics = metrics;
		this.listener = listener;
		this.buffer = ByteBuffer.allocateDirect(framing.coalesces() ? WRITE_BUFFER_SIZE : 0);
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

	/** @return false once the end-of-input marker was reached and the socket half-closed */
	private boolean writeNextBatch() throws IOException, InterruptedException {
		if (this.batch.isEmpty()) {
			this.batch.add(this.queue.take());
		}
		this.queue.drainTo(this.batch, MAX_BATCH - this.batch.size());
		int end = this.batch.indexOf(Outgoing.END_OF_INPUT);
		if (end < 0) {
			write(this.batch);
			return true;
		}
		write(this.batch.subList(0, end));
		this.batch.remove(0);
		this.listener.shutdownOutput();
		return false;
	}

	/** Writes the messages and removes them from the list; on failure only the unwritten ones remain. */
	private void write(List<Outgoing> messages) throws IOException {
		for (Outgoing message : messages) {
			if (message.request != null) {
				this.pending.written(message.request);
			}
		}
		this.encoded = 0;
		this.encodedBytes = 0;
		this.written = 0;
		this.writtenBytes = 0;
		try {
			for (Outgoing message : messages) {
				encode(message.payload);
			}
			flush();
		}
		finally {
			this.metrics.sent(this.written, this.writtenBytes);
			List<Outgoing> done = messages.subList(0, this.written);
			done.clear();
			retractRequests(messages);
		}
	}

	private void encode(ByteBuffer payload) throws IOException {
		int length = payload.remaining();
		if (!this.framing.coalesces()) {
			writeFully(payload.duplicate());
			messageEncoded(length);
			flushed();
			return;
		}
		int frameLength = length + this.framing.overhead();
		if (frameLength > this.buffer.remaining()) {
			flush();
		}
		this.framing.writeHeader(length, this.buffer);
		if (frameLength > this.buffer.capacity()) {
			flush();
			writeFully(payload.duplicate());
		}
		else {
			this.buffer.put(payload.duplicate());
		}
		this.framing.writeTrailer(this.buffer);
		messageEncoded(length);
	}

	private void messageEncoded(int length) {
		this.encoded++;
		this.encodedBytes += length;
	}

	private void flush() throws IOException {
		this.buffer.flip();
		try {
			writeFully(this.buffer);
		}
		finally {
			this.buffer.clear();
		}
		flushed();
	}

	private void flushed() {
		this.written = this.encoded;
		this.writtenBytes = this.encodedBytes;
	}

	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.channel.write(bytes);
		}
	}

	/** Requests whose bytes never reached the socket wait for the next connection, not for a reply. */
	private void retractRequests(List<Outgoing> unwritten) {
		for (Outgoing message : unwritten) {
			if (message.request != null) {
				this.pending.retract(message.request);
			}
		}
	}

	/** What was accepted but not written, in order: the current batch, then whatever is still queued. */
	private List<Outgoing> unwritten() {
		List<Outgoing> unwritten = new ArrayList<>(this.batch);
		this.batch.clear();
		unwritten.remove(Outgoing.END_OF_INPUT);
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
