package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;

/**
 * A 4-byte big-endian unsigned length, then the payload.
 */
public final class LengthPrefixedFraming implements Framing {

	static final LengthPrefixedFraming INSTANCE = new LengthPrefixedFraming();

	private static final int HEADER = 4;

	@Override
	public int overhead() {
		return HEADER;
	}

	@Override
	public boolean coalesces() {
		return true;
	}

	@Override
	public String rejectionReason(ByteBuffer payload) {
		return null;
	}

	@Override
	public void writeHeader(int payloadLength, ByteBuffer target) {
		target.put((byte) (payloadLength >>> 24))
			.put((byte) (payloadLength >>> 16))
			.put((byte) (payloadLength >>> 8))
			.put((byte) payloadLength);
	}

	@Override
	public void writeTrailer(ByteBuffer target) {
	}

	@Override
	public FrameDecoder newDecoder(int maxMessageSize) {
		return new Decoder(maxMessageSize);
	}

	/**
	 * Frames that arrive whole are handed on in place; only a frame split across reads is
	 * copied, into a buffer sized to that frame after its length was checked.
	 */
	static final class Decoder implements FrameDecoder {

		private final int maxMessageSize;

		private final ByteBuffer header = ByteBuffer.allocate(HEADER);

		private ByteBuffer partial;

		Decoder(int maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		@Override
		public void decode(ByteBuffer input, FrameSink sink) throws FramingException {
			while (input.hasRemaining()) {
				if (this.partial != null) {
					continuePartial(input, sink);
				}
				else if (this.header.position() > 0 || input.remaining() < HEADER) {
					continueHeader(input, sink);
				}
				else {
					int length = checkedLength(bigEndianInt(input, input.position()), input);
					input.position(input.position() + HEADER);
					startBody(length, input, sink);
				}
			}
		}

		private void continueHeader(ByteBuffer input, FrameSink sink) throws FramingException {
			while (this.header.hasRemaining() && input.hasRemaining()) {
				this.header.put(input.get());
			}
			if (!this.header.hasRemaining()) {
				this.header.flip();
				int length = checkedLength(bigEndianInt(this.header, 0), this.header);
				this.header.clear();
				if (length == 0) {
					// nothing more to wait for: an empty frame is complete with its
					// header
					sink.frame(new byte[0], 0);
				}
				else {
					this.partial = ByteBuffer.allocate(length);
				}
			}
		}

		/** Independent of the buffer's byte order: the wire is always big-endian. */
		private static int bigEndianInt(ByteBuffer bytes, int index) {
			return ((bytes.get(index) & 0xff) << 24) | ((bytes.get(index + 1) & 0xff) << 16)
					| ((bytes.get(index + 2) & 0xff) << 8) | (bytes.get(index + 3) & 0xff);
		}

		private void startBody(int length, ByteBuffer input, FrameSink sink) {
			if (input.remaining() >= length) {
				int end = input.position() + length;
				ByteBuffer frame = input.duplicate();
				frame.limit(end);
				input.position(end);
				sink.frame(bytes(frame), length);
			}
			else {
				this.partial = ByteBuffer.allocate(length);
				continuePartial(input, sink);
			}
		}

		private void continuePartial(ByteBuffer input, FrameSink sink) {
			int take = Math.min(this.partial.remaining(), input.remaining());
			ByteBuffer slice = input.duplicate();
			slice.limit(input.position() + take);
			this.partial.put(slice);
			input.position(input.position() + take);
			if (!this.partial.hasRemaining()) {
				byte[] frame = this.partial.array();
				this.partial = null;
				sink.frame(frame, frame.length);
			}
		}

		private int checkedLength(int rawLength, ByteBuffer headerBytes) throws FramingException {
			long length = Integer.toUnsignedLong(rawLength);
			if (length > this.maxMessageSize) {
				throw new FramingException("length header announces " + length + " bytes, more than max-message-size ("
						+ this.maxMessageSize + " bytes); first bytes: " + FramingException.hexPrefix(headerBytes, 16));
			}
			return (int) length;
		}

	}

	static byte[] bytes(ByteBuffer frame) {
		byte[] bytes = new byte[frame.remaining()];
		frame.get(bytes);
		return bytes;
	}

}
