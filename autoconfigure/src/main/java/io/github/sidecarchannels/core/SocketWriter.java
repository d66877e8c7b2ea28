package io.github.sidecarchannels.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * Drains the outbound queue onto the socket on its own thread. In stream framings everything queued
 * while the previous write was in progress goes out in one write call (coalescing); in seqpacket every
 * message is one write, so one record.
 */
final class SocketWriter implements Runnable {

	/** The coalescing buffer; larger frames bypass it. */
	static final int WRITE_BUFFER_SIZE = 64 * 1024;

	private static final int MAX_BATCH = 1024;

	private final BlockingQueue<Outgoing> queue;

	private final WritableByteChannel channel;

	private final Framing framing;

	private final PendingRequests pending;

	private final SidecarMetrics metrics;

	private final Listener listener;

	private final List<Outgoing> batch = new ArrayList<>();

	private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);

	SocketWriter(BlockingQueue<Outgoing> queue, WritableByteChannel channel, Framing framing, PendingRequests pending,
			SidecarMetrics metrics, Listener listener) {
		this.queue = queue;
		this.channel = channel;
		this.framing = framing;
		this.pending = pending;
		this.metrics = metrics;
		this.listener = listener;
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
		this.batch.add(this.queue.take());
		this.queue.drainTo(this.batch, MAX_BATCH - 1);
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

	private void write(List<Outgoing> messages) throws IOException {
		for (Outgoing message : messages) {
			if (message.request != null) {
				this.pending.written(message.request);
			}
		}
		long bytes = 0;
		for (Outgoing message : messages) {
			bytes += message.payload.remaining();
			if (this.framing.coalesces()) {
				encode(message.payload);
			}
			else {
				writeFully(message.payload.duplicate());
			}
		}
		flush();
		this.metrics.sent(messages.size(), bytes);
		messages.clear();
	}

	private void encode(ByteBuffer payload) throws IOException {
		int frameLength = payload.remaining() + this.framing.overhead();
		if (frameLength > this.buffer.remaining()) {
			flush();
		}
		if (frameLength > this.buffer.capacity()) {
			this.framing.writeHeader(payload.remaining(), this.buffer);
			flush();
			writeFully(payload.duplicate());
		}
		else {
			this.framing.writeHeader(payload.remaining(), this.buffer);
			this.buffer.put(payload.duplicate());
		}
		this.framing.writeTrailer(this.buffer);
	}

	private void flush() throws IOException {
		this.buffer.flip();
		writeFully(this.buffer);
		this.buffer.clear();
	}

	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.channel.write(bytes);
		}
	}

	/** What was accepted but not written: the current batch and whatever is still queued. */
	private List<Outgoing> unwritten() {
		List<Outgoing> unwritten = new ArrayList<>(this.batch);
		this.batch.clear();
		this.queue.drainTo(unwritten);
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
		 * @param unwritten messages accepted but not written, in order
		 */
		void writeFailed(IOException cause, List<Outgoing> unwritten);

	}

}
