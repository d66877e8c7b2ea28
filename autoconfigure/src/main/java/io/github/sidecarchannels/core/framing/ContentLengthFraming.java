package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The base protocol of the Language Server Protocol: {@code Content-Length: N\r\n\r\n}, then N payload
 * bytes. Written exactly so; read leniently: header names are case-insensitive, blanks around the value
 * are ignored, other headers ({@code Content-Type}) and lines without a colon are skipped. A header block
 * without exactly one valid length, with a length over the maximum message size, or longer than
 * {@value #MAX_HEADER_BLOCK} bytes is a protocol violation: the stream can no longer be trusted.
 */
public final class ContentLengthFraming implements Framing {

	static final ContentLengthFraming INSTANCE = new ContentLengthFraming();

	/** The longest header block accepted, blank line included. */
	static final int MAX_HEADER_BLOCK = 8192;

	private static final byte[] PREFIX = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SEPARATOR = { '\r', '\n', '\r', '\n' };

	/** The most a header can take: the prefix, ten digits and the blank line. */
	private static final int MAX_HEADER = PREFIX.length + 10 + SEPARATOR.length;

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
		target.put(PREFIX).put(Integer.toString(payloadLength).getBytes(StandardCharsets.US_ASCII)).put(SEPARATOR);
	}

	@Override
	public void writeTrailer(ByteBuffer target) {
	}

	@Override
	public FrameDecoder newDecoder(int maxMessageSize) {
		return new Decoder(maxMessageSize);
	}

	/**
	 * Collects the header block byte by byte (it is small), then hands a body that arrived whole on in
	 * place and copies only a body split across reads.
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
				else if (continueHeaderBlock(input)) {
					int length = contentLength();
					this.headerBlock.clear();
					startBody(length, input, sink);
				}
			}
		}

		/** @return whether the block is complete (its blank line read) */
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
			for (String line : block.split("\r\n", -1)) {
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
