package io.github.sidecarchannels.core.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import io.github.sidecarchannels.core.framing.FrameDecoder;
import io.github.sidecarchannels.core.framing.FramingException;

/**
 * Reads the socket on its own thread, independent of the writer (sharing one loop
 * deadlocks once both kernel buffers fill). Frames are delivered on this thread, so a
 * slow consumer slows the child instead of filling a queue.
 */
public final class SocketReader implements Runnable {

	/** Stream reads take what is there, up to this much at a time. */
	static final int STREAM_READ_SIZE = 64 * 1024;

	private final ReadableByteChannel channel;

	private final ByteBuffer buffer;

	private final FrameDecoder decoder;

	private final FrameDecoder.FrameSink sink;

	private final Listener listener;

	private final SocketWriter writer;

	/**
	 * @param recordReads whether every read returns one whole record (seqpacket); the
	 * buffer then holds one byte more than the largest message, so an oversize record
	 * shows as such instead of being silently cut to size
	 * @param writer what frames make this thread send waits until each read is delivered,
	 * and then goes out in one write
	 */
	SocketReader(ReadableByteChannel channel, boolean recordReads, int maxMessageSize, FrameDecoder decoder,
			FrameDecoder.FrameSink sink, SocketWriter writer, Listener listener) {
		this.channel = channel;
		// Stream reads go to a heap buffer: decoders scan and copy its array directly,
		// which beats
		// byte-wise access to native memory, and the JDK's copy from its cached native
		// buffer is a plain
		// memcpy. Records are read straight into native memory instead: their buffer is
		// as large as the
		// largest message, and a heap one would make the JDK cache a native twin of the
		// same size.
		this.buffer = recordReads ? ByteBuffer.allocateDirect(maxMessageSize + 1)
				: ByteBuffer.allocate(STREAM_READ_SIZE);
		this.decoder = decoder;
		this.sink = sink;
		this.listener = listener;
		this.writer = writer;
	}

	@Override
	public void run() {
		Exception failure = null;
		try {
			while (this.channel.read(this.buffer) >= 0) {
				this.buffer.flip();
				deliver();
				this.buffer.clear();
			}
		}
		catch (IOException | RuntimeException ex) {
			failure = ex;
		}
		this.listener.connectionEnded(failure);
	}

	private void deliver() throws IOException {
		this.writer.deferWhileDelivering();
		try {
			this.decoder.decode(this.buffer, this.sink);
		}
		finally {
			this.writer.delivered();
		}
	}

	/**
	 * What the reader tells its owner.
	 */
	public interface Listener {

		/**
		 * @param failure {@code null} at end of stream, else what broke the connection (a
		 * {@link FramingException} for a protocol violation)
		 */
		void connectionEnded(Exception failure);

	}

}
