package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.SidecarDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.sidecarchannels.core.framing.FramingTestSupport.encode;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ContentLengthFraming}.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContentLengthFramingTests {

	private static final int MAX = 64;

	private final ContentLengthFraming framing = ContentLengthFraming.INSTANCE;

	private final RecordingFrameSink sink = new RecordingFrameSink();

	@Test
	void isSelectedByTheContentLengthFramingSetting() {
		SidecarDefinition definition = SidecarDefinition.builder("lsp")
			.command("cat")
			.framing(FramingType.CONTENT_LENGTH)
			.build();
		assertThat(Framing.of(definition)).isSameAs(this.framing);
		assertThat(definition.framingWireName()).isEqualTo("content-length");
	}

	@Test
	void writesExactlyTheContentLengthHeaderAndBlankLine() {
		assertThat(new String(encode(this.framing, utf8("hi"), utf8("")), StandardCharsets.US_ASCII))
			.isEqualTo("Content-Length: 2\r\n\r\nhiContent-Length: 0\r\n\r\n");
		ByteBuffer header = ByteBuffer.allocate(this.framing.overhead());
		this.framing.writeHeader(Integer.MAX_VALUE, header);
		assertThat(header.hasRemaining()).as("overhead covers the longest header").isFalse();
		assertThat(this.framing.coalesces()).isTrue();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("any\nbytes")))).isNull();
	}

	@Test
	void readsFramesSplitAnywhere() throws Exception {
		byte[] stream = encode(this.framing, utf8("{\"a\":1}"), utf8(""), utf8("é\r\n\r\n"));
		FrameDecoder decoder = this.framing.newDecoder(MAX);
		for (byte b : stream) {
			decoder.decode(ByteBuffer.wrap(new byte[] { b }), this.sink);
		}
		assertThat(this.sink.frames()).containsExactly(utf8("{\"a\":1}"), new byte[0], utf8("é\r\n\r\n"));
	}

	@Test
	void writesEveryLengthInDecimal() {
		for (int length : new int[] { 0, 1, 9, 10, 11, 99, 100, 101, 999_999, 1_000_000, 123_456_789,
				Integer.MAX_VALUE }) {
			ByteBuffer header = ByteBuffer.allocate(this.framing.overhead());
			this.framing.writeHeader(length, header);
			assertThat(new String(header.array(), 0, header.position(), StandardCharsets.US_ASCII))
				.isEqualTo("Content-Length: " + length + "\r\n\r\n");
		}
	}

	@Test
	void readsManyWholeFramesFromOneReadInHeapAndDirectBuffers() throws Exception {
		byte[][] payloads = new byte[200][];
		for (int i = 0; i < payloads.length; i++) {
			payloads[i] = utf8("{\"id\":" + i + ",\"text\":\"" + "x".repeat(i % 40) + "\"}");
		}
		byte[] stream = encode(this.framing, payloads);
		for (boolean direct : new boolean[] { false, true }) {
			RecordingFrameSink frames = new RecordingFrameSink();
			ByteBuffer input = direct ? ByteBuffer.allocateDirect(stream.length).put(stream).flip()
					: ByteBuffer.wrap(stream);
			this.framing.newDecoder(MAX * 10).decode(input, frames);
			assertThat(frames.frames()).as(direct ? "direct" : "heap").containsExactly(payloads);
		}
	}

	@Test
	void aUsualHeaderWithALengthOverTheLimitIsStillAViolation() {
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(
					() -> this.framing.newDecoder(MAX)
						.decode(ByteBuffer
							.wrap(utf8("Content-Length: " + (MAX + 1) + "\r\n\r\n" + "x".repeat(MAX + 1))), this.sink))
			.withMessageContaining("more than max-message-size");
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void readsHeadersLeniently() throws Exception {
		this.framing.newDecoder(MAX)
			.decode(ByteBuffer.wrap(utf8("content-LENGTH:3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8"
					+ "\r\nnot a header\r\n\r\nabc" + "Content-Type: x\r\n  Content-Length :  1 \r\n\r\nz")),
					this.sink);
		assertThat(this.sink.frames()).containsExactly(utf8("abc"), utf8("z"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "Content-Type: x\r\n\r\n", "Content-Length: 1\r\nContent-Length: 1\r\n\r\n",
			"Content-Length: -1\r\n\r\n", "Content-Length: 1e3\r\n\r\n", "Content-Length:\r\n\r\n",
			"Content-Length: 65\r\n\r\n", "Content-Length: 99999999999999999999\r\n\r\n" })
	void badHeaderBlocksAreProtocolViolations(String block) {
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> this.framing.newDecoder(MAX).decode(ByteBuffer.wrap(utf8(block + "x")), this.sink))
			.withMessageContaining("header block");
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void aHeaderBlockWithoutItsBlankLineIsBoundedByEightKilobytes() throws Exception {
		FrameDecoder decoder = this.framing.newDecoder(MAX);
		decoder.decode(ByteBuffer.wrap(new byte[ContentLengthFraming.MAX_HEADER_BLOCK]), this.sink);
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[1]), this.sink))
			.withMessageContaining("longer than 8192 bytes");
	}

}
