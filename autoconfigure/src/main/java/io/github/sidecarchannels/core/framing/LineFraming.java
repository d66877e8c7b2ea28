package io.github.sidecarchannels.core.framing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 text, one message per {@code \n}-terminated line; a {@code \r} before the
 * {@code \n} is dropped on input.
 * <p>
 * Invalid UTF-8 is delivered with U+FFFD in place of the bad bytes and reported as
 * {@code invalid-utf8}, so one bad byte never stops the channel. A line longer than the
 * maximum message size is reported as {@code oversize-line} and skipped up to the next
 * newline, after which decoding resumes.
 */
public final class LineFraming implements Framing {

	private static final byte NEWLINE = '\n';

	private static final byte CARRIAGE_RETURN = '\r';

	/**
	 * Eight bytes of a heap array at once; little-endian, so the lowest set flag is the
	 * first byte.
	 */
	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

	private static final long LOW_BITS = 0x0101010101010101L;

	private static final long HIGH_BITS = 0x8080808080808080L;

	@Override
	public int overhead() {
		return 1;
	}

	@Override
	public boolean coalesces() {
		return true;
	}

	@Override
	public String rejectionReason(ByteBuffer payload) {
		int newline = indexOfNewline(payload);
		if (newline >= 0) {
			return "a message sent with lines framing must not contain a newline (found one at byte "
					+ (newline - payload.position()) + "); use length-prefixed framing for multi-line payloads";
		}
		// The reader drops a \r before the newline (CRLF lines), so this one would arrive
		// without it.
		if (payload.hasRemaining() && payload.get(payload.limit() - 1) == CARRIAGE_RETURN) {
			return "a message sent with lines framing must not end with a carriage return (\\r): line readers "
					+ "(this one included) take it for part of a CRLF line end and strip it; remove it, or use "
					+ "length-prefixed framing to send it intact";
		}
		return null;
	}

	/**
	 * @return the absolute index of the first newline at or after the position, or -1
	 */
	static int indexOfNewline(ByteBuffer input) {
		if (input.hasArray()) {
			int offset = input.arrayOffset();
			int found = indexOfNewline(input.array(), offset + input.position(), offset + input.limit());
			return (found >= 0) ? found - offset : -1;
		}
		for (int i = input.position(); i < input.limit(); i++) {
			if (input.get(i) == NEWLINE) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * C2 on JDK 17 does not vectorise a byte search loop, so the array is scanned eight
	 * bytes per step: XOR with eight newlines turns each newline into a zero byte, and
	 * {@code (w - 0x01..) & ~w & 0x80..} flags zero bytes. Flags above the first zero
	 * byte can be false (borrows), the lowest one never is.
	 * @return the array index of the first newline in {@code [from, to)}, or -1
	 */
	static int indexOfNewline(byte[] array, int from, int to) {
		int i = from;
		for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
			long word = (long) LONGS.get(array, i) ^ NEWLINES;
			long zeros = (word - LOW_BITS) & ~word & HIGH_BITS;
			if (zeros != 0) {
				return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
			}
		}
		for (; i < to; i++) {
			if (array[i] == NEWLINE) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public void writeHeader(int payloadLength, ByteBuffer target) {
	}

	@Override
	public void writeTrailer(ByteBuffer target) {
		target.put(NEWLINE);
	}

	@Override
	public FrameDecoder newDecoder(int maxMessageSize) {
		return new Decoder(maxMessageSize);
	}

	static final class Decoder implements FrameDecoder {

		private static final int INITIAL_PARTIAL = 256;

		private final int maxMessageSize;

		/** Room for the longest line plus its optional {@code \r}. */
		private final int partialCap;

		private byte[] partial = new byte[0];

		private int partialLength;

		private boolean skippingOversizeLine;

		Decoder(int maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
			this.partialCap = maxMessageSize + 1;
		}

		@Override
		public void decode(ByteBuffer input, FrameSink sink) {
			while (input.hasRemaining()) {
				int newline = indexOfNewline(input);
				if (newline < 0) {
					keepPartial(input, input.limit(), sink);
					return;
				}
				if (this.partialLength > 0 || this.skippingOversizeLine) {
					if (keepPartial(input, newline, sink)) {
						emit(this.partial, 0, this.partialLength, sink);
					}
				}
				else {
					emitInPlace(input, newline, sink);
				}
				this.skippingOversizeLine = false;
				this.partialLength = 0;
				input.position(newline + 1);
			}
		}

		/**
		 * Append input up to {@code end} to the partial line; false when the line became
		 * too long.
		 */
		private boolean keepPartial(ByteBuffer input, int end, FrameDecoder.FrameSink sink) {
			int length = end - input.position();
			if (!this.skippingOversizeLine && this.partialLength + length > this.partialCap) {
				sink.problem("oversize-line", "a line longer than max-message-size (" + this.maxMessageSize
						+ " bytes) was skipped up to the next newline", true);
				this.skippingOversizeLine = true;
				this.partialLength = 0;
			}
			if (this.skippingOversizeLine) {
				input.position(end);
				return false;
			}
			ensurePartialCapacity(this.partialLength + length);
			input.get(this.partial, this.partialLength, length);
			this.partialLength += length;
			return true;
		}

		private void ensurePartialCapacity(int needed) {
			if (needed > this.partial.length) {
				int size = Math.min(Math.max(INITIAL_PARTIAL, this.partial.length), this.partialCap);
				while (size < needed) {
					size = (int) Math.min((long) size * 2, this.partialCap);
				}
				byte[] grown = new byte[size];
				System.arraycopy(this.partial, 0, grown, 0, this.partialLength);
				this.partial = grown;
			}
		}

		private void emitInPlace(ByteBuffer input, int newline, FrameSink sink) {
			int length = newline - input.position();
			if (input.hasArray()) {
				emit(input.array(), input.arrayOffset() + input.position(), length, sink);
			}
			else {
				byte[] copy = new byte[length];
				input.get(input.position(), copy);
				emit(copy, 0, length, sink);
			}
		}

		private void emit(byte[] bytes, int offset, int length, FrameSink sink) {
			if (length > 0 && bytes[offset + length - 1] == CARRIAGE_RETURN) {
				length--;
			}
			if (length > this.maxMessageSize) {
				sink.problem("oversize-line",
						"a line longer than max-message-size (" + this.maxMessageSize + " bytes) was skipped", true);
				return;
			}
			String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
			if (text.indexOf('\uFFFD') >= 0 && !isValidUtf8(bytes, offset, length)) {
				sink.problem("invalid-utf8",
						"a line with invalid UTF-8 was delivered with U+FFFD replacing the bad bytes", false);
			}
			sink.frame(text, length);
		}

		private static boolean isValidUtf8(byte[] bytes, int offset, int length) {
			try {
				StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(bytes, offset, length));
				return true;
			}
			catch (CharacterCodingException ex) {
				return false;
			}
		}

	}

}
