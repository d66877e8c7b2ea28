package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The base protocol of the Language Server Protocol: {@code Content-Length: N\r\n\r\n},
 * then N payload bytes. Written exactly so; read leniently: header names are
 * case-insensitive, blanks around the value are ignored, other headers
 * ({@code Content-Type}) and lines without a colon are skipped. A header block without
 * exactly one valid length, with a length over the maximum message size, or longer than
 * {@value #MAX_HEADER_BLOCK} bytes is a protocol violation: the stream can no longer be
 * trusted.
 */
public final class ContentLengthFraming implements Framing {

	static final ContentLengthFraming INSTANCE = new ContentLengthFraming();

	/** The longest header block accepted, blank line included. */
	static final int MAX_HEADER_BLOCK = 8192;

	private static final byte[] PREFIX = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SEPARATOR = { '\r', '\n', '\r', '\n' };

	/** The most a header can take: the prefix, ten digits and the blank line. */
	private static final int MAX_HEADER = PREFIX.length + 10 + SEPARATOR.length;

	/**
	 * Compiled once: {@code String.split} compiles a two-character separator on every
	 * call.
	 */
	private static final Pattern LINE_END = Pattern.compile("\r\n", Pattern.LITERAL);

	@Override
	public int overhead() {
		return MAX_HEADER;
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
		target.put(PREFIX);
		putDecimal(payloadLength, target);
		target.put(SEPARATOR);
	}

	/** The ASCII digits of a non-negative int, without a String per frame. */
	private static void putDecimal(int value, ByteBuffer target) {
		int divisor = 1;
		while (divisor <= value / 10) {
			divisor *= 10;
		}
		for (; divisor > 0; divisor /= 10) {
			target.put((byte) ('0' + (value / divisor) % 10));
		}
	}

	@Override
	public void writeTrailer(ByteBuffer target) {
	}

	@Override
	public FrameDecoder newDecoder(int maxMessageSize) {
		return new Decoder(maxMessageSize);
	}

	/**
	 * Collects the header block byte by byte (it is small), then hands a body that
	 * arrived whole on in place and copies only a body split across reads.
	 */
	static final class Decoder implements FrameDecoder {

		private final int maxMessageSize;

		private final ByteBuffer headerBlock = ByteBuffer.allocate(MAX_HEADER_BLOCK);

		private ByteBuffer partial;

		Decoder(int maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		@Override
		public void decode(ByteBuffer input, FrameSink sink) throws FramingException {
			while (input.hasRemaining()) {
				if (this.partial != null) {
					continueBody(input, sink);
				}
				else if (this.headerBlock.position() == 0 && input.hasArray() && startUsualFrame(input, sink)) {
					continue;
				}
				else if (continueHeaderBlock(input)) {
					int length = contentLength();
					this.headerBlock.clear();
					startBody(length, input, sink);
				}
			}
		}

		/**
		 * @return whether the block is complete (its blank line read)
		 */
		/**
		 * Nearly every peer writes exactly {@code Content-Length: N\r\n\r\n}: that block
		 * is parsed in place, without copying it byte by byte or building strings.
		 * Anything else (other headers, other spelling, a block split across reads, a
		 * length over the limit) takes the general path, errors included.
		 * @return whether a frame's header block was consumed
		 */
		private boolean startUsualFrame(ByteBuffer input, FrameSink sink) {
			byte[] array = input.array();
			int start = input.arrayOffset() + input.position();
			int end = input.arrayOffset() + input.limit();
			if (end - start < PREFIX.length + 1 + SEPARATOR.length
					|| !Arrays.equals(array, start, start + PREFIX.length, PREFIX, 0, PREFIX.length)) {
				return false;
			}
			int at = start + PREFIX.length;
			long length = 0;
			int digits = 0;
			while (at < end && array[at] >= '0' && array[at] <= '9' && digits <= 10) {
				length = length * 10 + (array[at++] - '0');
				digits++;
			}
			if (digits == 0 || digits > 10 || length > this.maxMessageSize || end - at < SEPARATOR.length
					|| !Arrays.equals(array, at, at + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
				return false;
			}
			input.position(at + SEPARATOR.length - input.arrayOffset());
			startBody((int) length, input, sink);
			return true;
		}

		private boolean continueHeaderBlock(ByteBuffer input) throws FramingException {
			while (input.hasRemaining()) {
				if (!this.headerBlock.hasRemaining()) {
					throw new FramingException("the content-length header block is longer than " + MAX_HEADER_BLOCK
							+ " bytes without its blank line; first bytes: "
							+ FramingException.hexPrefix(this.headerBlock.duplicate().flip(), 16));
				}
				this.headerBlock.put(input.get());
				if (endsWithSeparator()) {
					return true;
				}
			}
			return false;
		}

		private boolean endsWithSeparator() {
			int end = this.headerBlock.position();
			if (end < SEPARATOR.length) {
				return false;
			}
			for (int i = 0; i < SEPARATOR.length; i++) {
				if (this.headerBlock.get(end - SEPARATOR.length + i) != SEPARATOR[i]) {
					return false;
				}
			}
			return true;
		}

		private int contentLength() throws FramingException {
			String block = new String(this.headerBlock.array(), 0, this.headerBlock.position() - SEPARATOR.length,
					StandardCharsets.ISO_8859_1);
			Long length = null;
			for (String line : LINE_END.split(block, -1)) {
				int colon = line.indexOf(':');
				if (colon < 0 || !line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
					continue;
				}
				if (length != null) {
					throw violation("more than one Content-Length header", block);
				}
				length = parseLength(line.substring(colon + 1).strip(), block);
			}
			if (length == null) {
				throw violation("a header block without Content-Length", block);
			}
			if (length > this.maxMessageSize) {
				throw violation("Content-Length announces " + length + " bytes, more than max-message-size ("
						+ this.maxMessageSize + " bytes)", block);
			}
			return length.intValue();
		}

		private static long parseLength(String value, String block) throws FramingException {
			if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				throw violation("Content-Length '" + value + "' is not a non-negative decimal number", block);
			}
			return Long.parseLong(value);
		}

		private static FramingException violation(String what, String block) {
			String shown = (block.length() > 200) ? block.substring(0, 200) + "..." : block;
			return new FramingException(what + "; header block: \"" + shown.replace("\r\n", "\\r\\n") + "\"");
		}

		private void startBody(int length, ByteBuffer input, FrameSink sink) {
			if (input.remaining() >= length) {
				int end = input.position() + length;
				ByteBuffer frame = input.duplicate();
				frame.limit(end);
				input.position(end);
				sink.frame(LengthPrefixedFraming.bytes(frame), length);
			}
			else {
				this.partial = ByteBuffer.allocate(length);
				continueBody(input, sink);
			}
		}

		private void continueBody(ByteBuffer input, FrameSink sink) {
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

	}

}
