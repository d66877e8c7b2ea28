package io.github.sidecarchannels.core.framing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import io.github.sidecarchannels.core.transport.SocketReader;
import io.github.sidecarchannels.core.transport.SocketWriter;

/**
 * Encoding and feeding helpers shared by the framing tests.
 */
final class FramingTestSupport {

	/**
	 * What is written over a read buffer once the decoder is done with it: a newline, so
	 * a kept view shows.
	 */
	private static final byte JUNK = '\n';

	private FramingTestSupport() {
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	static byte[] repeat(int value, int count) {
		byte[] bytes = new byte[count];
		Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	static String hex(byte[] bytes) {
		return HexFormat.ofDelimiter(" ").formatHex(bytes);
	}

	/**
	 * Frame payloads the way {@link SocketWriter} does: header, payload and trailer into
	 * one buffer.
	 */
	static byte[] encode(Framing framing, byte[]... payloads) {
		int total = 0;
		for (byte[] payload : payloads) {
			total += payload.length + framing.overhead();
		}
		ByteBuffer target = ByteBuffer.allocateDirect(total);
		for (byte[] payload : payloads) {
			int start = target.position();
			framing.writeHeader(payload.length, target);
			target.put(payload);
			framing.writeTrailer(target);
			if (target.position() - start > payload.length + framing.overhead()) {
				throw new AssertionError("a frame of " + payload.length + " bytes took " + (target.position() - start)
						+ " bytes, more than payload plus overhead " + framing.overhead());
			}
		}
		target.flip();
		byte[] stream = new byte[target.remaining()];
		target.get(stream);
		return stream;
	}

	/**
	 * The kinds of buffer a decoder may be handed.
	 */
	enum BufferKind {

		/** A heap buffer starting at array offset 0, position 0. */
		HEAP,

		/**
		 * A heap buffer with a non-zero array offset, a non-zero position and junk around
		 * the bytes.
		 */
		HEAP_SLICE,

		/** A direct buffer, as {@link SocketReader} uses. */
		DIRECT,

		/** A read-only heap buffer (no accessible array). */
		READ_ONLY

	}

	/**
	 * Hands bytes to a decoder one read at a time through one reused buffer, like
	 * {@link SocketReader}: each read must be consumed whole, and the buffer is
	 * overwritten with junk after every read, so a decoder that keeps a view of its input
	 * instead of a copy delivers garbage.
	 */
	static final class Feeder {

		private static final int SLICE_OFFSET = 5;

		private static final int SLICE_POSITION = 3;

		private final BufferKind kind;

		private byte[] array = new byte[0];

		private ByteBuffer direct = ByteBuffer.allocateDirect(0);

		private int reads;

		Feeder(BufferKind kind) {
			this.kind = kind;
		}

		/**
		 * @return how many reads were fed so far
		 */
		int reads() {
			return this.reads;
		}

		/** Feed the whole stream as one read. */
		void feedWhole(FrameDecoder decoder, byte[] stream, FrameDecoder.FrameSink sink) throws FramingException {
			read(decoder, stream, 0, stream.length, sink);
		}

		/**
		 * Feed the stream in reads of {@code chunkSize} bytes (the last one possibly
		 * shorter).
		 */
		void feedInChunks(FrameDecoder decoder, byte[] stream, int chunkSize, FrameDecoder.FrameSink sink)
				throws FramingException {
			for (int from = 0; from < stream.length; from += chunkSize) {
				read(decoder, stream, from, Math.min(stream.length, from + chunkSize), sink);
			}
		}

		/**
		 * Feed the stream cut at the given ascending offsets (equal offsets make empty
		 * reads).
		 */
		void feedCutAt(FrameDecoder decoder, byte[] stream, FrameDecoder.FrameSink sink, int... cuts)
				throws FramingException {
			int from = 0;
			for (int cut : cuts) {
				read(decoder, stream, from, cut, sink);
				from = cut;
			}
			read(decoder, stream, from, stream.length, sink);
		}

		/** Feed the stream in reads of random length between 0 and {@code maxChunk}. */
		void feedRandomly(FrameDecoder decoder, byte[] stream, Random random, int maxChunk, FrameDecoder.FrameSink sink)
				throws FramingException {
			int from = 0;
			while (from < stream.length) {
				int to = Math.min(stream.length, from + random.nextInt(maxChunk + 1));
				read(decoder, stream, from, to, sink);
				from = to;
			}
		}

		void read(FrameDecoder decoder, byte[] stream, int from, int to, FrameDecoder.FrameSink sink)
				throws FramingException {
			ByteBuffer input = prepare(stream, from, to - from);
			this.reads++;
			try {
				decoder.decode(input, sink);
				if (input.hasRemaining()) {
					throw new AssertionError("the decoder left " + input.remaining() + " of " + (to - from)
							+ " bytes of a read unconsumed");
				}
			}
			finally {
				scribble(to - from + SLICE_OFFSET + SLICE_POSITION);
			}
		}

		/** Overwrite what the last read may have used with junk. */
		private void scribble(int used) {
			Arrays.fill(this.array, 0, Math.min(used, this.array.length), JUNK);
			if (this.kind == BufferKind.DIRECT) {
				this.direct.clear();
				this.direct.put(this.array, 0, Math.min(used, this.direct.capacity()));
			}
		}

		private ByteBuffer prepare(byte[] stream, int from, int length) {
			int needed = length + SLICE_OFFSET + SLICE_POSITION + 2;
			if (this.array.length < needed) {
				this.array = new byte[Math.max(needed, this.array.length * 2)];
				Arrays.fill(this.array, JUNK);
			}
			switch (this.kind) {
				case HEAP -> {
					System.arraycopy(stream, from, this.array, 0, length);
					return ByteBuffer.wrap(this.array, 0, length).slice();
				}
				case HEAP_SLICE -> {
					System.arraycopy(stream, from, this.array, SLICE_OFFSET + SLICE_POSITION, length);
					ByteBuffer slice = ByteBuffer.wrap(this.array).position(SLICE_OFFSET).slice();
					return slice.limit(SLICE_POSITION + length).position(SLICE_POSITION);
				}
				case READ_ONLY -> {
					System.arraycopy(stream, from, this.array, 0, length);
					return ByteBuffer.wrap(this.array, 0, length).asReadOnlyBuffer();
				}
				case DIRECT -> {
					if (this.direct.capacity() < needed) {
						this.direct = ByteBuffer.allocateDirect(Math.max(needed, this.direct.capacity() * 2));
					}
					this.direct.clear();
					this.direct.put(stream, from, length);
					return this.direct.flip();
				}
				default -> throw new IllegalStateException("unknown buffer kind " + this.kind);
			}
		}

	}

}
