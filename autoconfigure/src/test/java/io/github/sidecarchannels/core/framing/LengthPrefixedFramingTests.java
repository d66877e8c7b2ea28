package io.github.sidecarchannels.core.framing;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import io.github.sidecarchannels.core.framing.FramingTestSupport.BufferKind;
import io.github.sidecarchannels.core.framing.FramingTestSupport.Feeder;
import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Transport;
import io.github.sidecarchannels.core.channel.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.sidecarchannels.core.framing.FramingTestSupport.bytes;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.concat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.encode;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.repeat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link LengthPrefixedFraming}.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LengthPrefixedFramingTests {

	private static final int MAX = 64;

	private final LengthPrefixedFraming framing = LengthPrefixedFraming.INSTANCE;

	private final RecordingFrameSink sink = new RecordingFrameSink();

	// Encoding

	@Test
	void overheadIsTheFourByteHeader() {
		assertThat(this.framing.overhead()).isEqualTo(4);
	}

	@Test
	void coalesces() {
		assertThat(this.framing.coalesces()).isTrue();
	}

	@Test
	void headerIsTheLengthAsFourBytesBigEndian() {
		assertThat(header(0)).containsExactly(0, 0, 0, 0);
		assertThat(header(5)).containsExactly(0, 0, 0, 5);
		assertThat(header(0x01020304)).containsExactly(1, 2, 3, 4);
		assertThat(header(0x00ab_cdef)).containsExactly(0x00, 0xab, 0xcd, 0xef);
		assertThat(header(Integer.MAX_VALUE)).containsExactly(0x7f, 0xff, 0xff, 0xff);
	}

	@Test
	void trailerIsEmpty() {
		ByteBuffer target = ByteBuffer.allocate(8);
		this.framing.writeTrailer(target);
		assertThat(target.position()).isZero();
	}

	@Test
	void encodesHeaderThenPayload() {
		assertThat(encode(this.framing, utf8("hi"), new byte[0], bytes(0xff, '\n', 0)))
			.containsExactly(bytes(0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0, 3, 0xff, '\n', 0));
	}

	@Test
	void encodesLongPayloadLengthsInFull() {
		byte[] payload = repeat('z', 300);
		byte[] stream = encode(this.framing, payload);
		assertThat(stream).hasSize(304).startsWith(0, 0, 1, 44);
	}

	@Test
	void acceptsAnyPayload() {
		assertThat(this.framing.rejectionReason(ByteBuffer.allocate(0))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("multi\nline\r\n")))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(bytes(0, 0xff, 0xfe, 0x80)))).isNull();
	}

	@Test
	void isSelectedForStreamTransportWithLengthPrefixedFraming() {
		SidecarDefinition definition = SidecarDefinition.builder("binary")
			.command("cat")
			.transport(Transport.STREAM)
			.framing(FramingType.LENGTH_PREFIXED)
			.build();
		assertThat(Framing.of(definition)).isSameAs(LengthPrefixedFraming.INSTANCE);
	}

	// Decoding

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void decodesOneWholeFrame(BufferKind kind) throws Exception {
		new Feeder(kind).feedWhole(decoder(MAX), encode(this.framing, utf8("héllo")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("bytes[6] 68 c3 a9 6c 6c 6f");
		assertThat(this.sink.payloads()).singleElement().isInstanceOf(byte[].class);
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void decodesManyFramesInOneRead(BufferKind kind) throws Exception {
		byte[][] payloads = payloads();
		new Feeder(kind).feedWhole(decoder(MAX), encode(this.framing, payloads), this.sink);
		assertThat(this.sink.frames()).containsExactly(payloads);
		assertThat(this.sink.sizes()).containsExactly(3, 0, 1, 64, 10, 0, 2);
		assertThat(this.sink.problemTypes()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void givesTheSameFramesAtEverySplitPoint(BufferKind kind) throws Exception {
		byte[][] payloads = payloads();
		byte[] stream = encode(this.framing, payloads);
		for (int cut = 0; cut <= stream.length; cut++) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(kind).feedCutAt(decoder(MAX), stream, sink, cut);
			assertThat(sink.frames()).as("cut at %d", cut).containsExactly(payloads);
		}
	}

	@Test
	void givesTheSameFramesAtEveryPairOfSplitPoints() throws Exception {
		byte[][] payloads = { utf8("ab"), new byte[0], bytes(0, 0, 0, 1), utf8("xyz") };
		byte[] stream = encode(this.framing, payloads);
		for (int first = 0; first <= stream.length; first++) {
			for (int second = first; second <= stream.length; second++) {
				RecordingFrameSink sink = new RecordingFrameSink();
				new Feeder(BufferKind.HEAP_SLICE).feedCutAt(decoder(MAX), stream, sink, first, second);
				assertThat(sink.frames()).as("cuts at %d and %d", first, second).containsExactly(payloads);
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7 })
	void givesTheSameFramesWhateverTheReadSize(int chunkSize) throws Exception {
		byte[][] payloads = payloads();
		byte[] stream = encode(this.framing, payloads);
		for (BufferKind kind : BufferKind.values()) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(kind).feedInChunks(decoder(MAX), stream, chunkSize, sink);
			assertThat(sink.frames()).as("%s reads of %d bytes", kind, chunkSize).containsExactly(payloads);
			assertThat(sink.sizes()).containsExactly(3, 0, 1, 64, 10, 0, 2);
		}
	}

	@Test
	void deliversAFrameAsSoonAsItIsComplete() throws Exception {
		FrameDecoder decoder = decoder(MAX);
		decoder.decode(ByteBuffer.wrap(bytes(0, 0)), this.sink);
		decoder.decode(ByteBuffer.wrap(bytes(0, 3, 'a')), this.sink);
		assertThat(this.sink.frames()).isEmpty();
		decoder.decode(ByteBuffer.wrap(bytes('b')), this.sink);
		assertThat(this.sink.frames()).isEmpty();
		decoder.decode(ByteBuffer.wrap(bytes('c', 0, 0, 0, 1, 'd', 0)), this.sink);
		assertThat(this.sink.frames()).containsExactly(utf8("abc"), utf8("d"));
	}

	@Test
	void deliversEmptyFrames() throws Exception {
		decoder(MAX).decode(ByteBuffer.wrap(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'x', 0, 0, 0, 0)), this.sink);
		assertThat(this.sink.transcript()).containsExactly("bytes[0] ", "bytes[0] ", "bytes[1] 78", "bytes[0] ");
	}

	@Test
	void deliversCopiesNotViewsOfTheInput() throws Exception {
		byte[] stream = encode(this.framing, utf8("abc"));
		ByteBuffer input = ByteBuffer.wrap(stream);
		decoder(MAX).decode(input, this.sink);
		stream[5] = 'X';
		assertThat(this.sink.frames()).containsExactly(utf8("abc"));
	}

	@Test
	void carriesEveryByteValue() throws Exception {
		byte[] payload = new byte[256];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) i;
		}
		new Feeder(BufferKind.DIRECT).feedInChunks(decoder(256), encode(this.framing, payload, payload), 5, this.sink);
		assertThat(this.sink.frames()).containsExactly(payload, payload);
	}

	// Limits

	@ParameterizedTest
	@ValueSource(ints = { 1, 3, 7, MAX + 4 })
	void deliversAFrameOfExactlyTheMaximum(int chunkSize) throws Exception {
		byte[] payload = repeat('m', MAX);
		new Feeder(BufferKind.DIRECT).feedInChunks(decoder(MAX), encode(this.framing, payload), chunkSize, this.sink);
		assertThat(this.sink.frames()).containsExactly(payload);
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void rejectsAHeaderOverTheMaximumNamingLengthLimitAndFirstBytes(BufferKind kind) {
		byte[] stream = concat(bytes(0, 0, 0, MAX + 1), utf8("payload bytes..."), utf8("and more"));
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> new Feeder(kind).feedWhole(decoder(MAX), stream, this.sink))
			.withMessageContaining("announces 65 bytes")
			.withMessageContaining("(64 bytes)")
			.withMessageContaining("00 00 00 41 70 61 79 6c 6f 61 64 20 62 79 74 65");
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void rejectsLengthsOverTwoGibibytesReadUnsigned() {
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> decoder(MAX).decode(ByteBuffer.wrap(bytes(0xff, 0xff, 0xff, 0xff, 'x')), this.sink))
			.withMessageContaining("4294967295")
			.withMessageContaining("64")
			.withMessageContaining("ff ff ff ff 78");
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> decoder(MAX).decode(ByteBuffer.wrap(bytes(0x80, 0, 0, 0)), this.sink))
			.withMessageContaining("2147483648")
			.withMessageContaining("80 00 00 00");
		assertThat(this.sink.events()).isEmpty();
	}

	@Test
	void rejectsAnOversizeHeaderSplitAtEveryPoint() throws Exception {
		byte[] good = encode(this.framing, utf8("ok"));
		byte[] stream = concat(good, bytes(0xff, 0xff, 0xff, 0xfe), utf8("rest"));
		for (int cut = 0; cut <= stream.length; cut++) {
			RecordingFrameSink sink = new RecordingFrameSink();
			Feeder feeder = new Feeder(BufferKind.DIRECT);
			int at = cut;
			assertThatExceptionOfType(FramingException.class).as("cut at %d", cut)
				.isThrownBy(() -> feeder.feedCutAt(decoder(MAX), stream, sink, at))
				.withMessageContaining("4294967294")
				.withMessageContaining("(64 bytes)")
				.withMessageContaining("ff ff ff fe");
			assertThat(sink.frames()).as("cut at %d", cut).containsExactly(utf8("ok"));
			assertThat(feeder.reads()).as("the read that completes the header fails").isEqualTo((cut >= 10) ? 1 : 2);
		}
	}

	@Test
	void rejectsAHeaderOneOverTheMaximumArrivingByteByByte() {
		byte[] stream = bytes(0, 0, 0, MAX + 1);
		Feeder feeder = new Feeder(BufferKind.HEAP);
		assertThatExceptionOfType(FramingException.class)
			.isThrownBy(() -> feeder.feedInChunks(decoder(MAX), stream, 1, this.sink))
			.withMessageContaining("65")
			.withMessageContaining("00 00 00 41");
		assertThat(feeder.reads()).isEqualTo(4);
	}

	@Test
	void checksTheLengthBeforeAllocating() {
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
		assumeThat(allocations.isThreadAllocatedMemorySupported() && allocations.isThreadAllocatedMemoryEnabled())
			.isTrue();
		long threadId = Thread.currentThread().getId();
		byte[] huge = bytes(0x7f, 0xff, 0xff, 0xf0, 'x');
		for (int cut = 0; cut <= huge.length; cut++) {
			int at = cut;
			long before = allocations.getThreadAllocatedBytes(threadId);
			assertThatExceptionOfType(FramingException.class)
				.isThrownBy(() -> new Feeder(BufferKind.HEAP).feedCutAt(decoder(MAX), huge, this.sink, at));
			long allocated = allocations.getThreadAllocatedBytes(threadId) - before;
			assertThat(allocated).as("bytes allocated with a cut at %d", cut).isLessThan(1024 * 1024);
		}
	}

	private FrameDecoder decoder(int maxMessageSize) {
		return this.framing.newDecoder(maxMessageSize);
	}

	private int[] header(int length) {
		ByteBuffer target = ByteBuffer.allocate(4);
		this.framing.writeHeader(length, target);
		assertThat(target.position()).isEqualTo(4);
		byte[] bytes = target.array();
		return new int[] { bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff, bytes[3] & 0xff };
	}

	/**
	 * Payloads for the split tests, with empty frames between others. The last one is not
	 * empty: an empty frame whose split header ends a read is only delivered with the
	 * next read (reported separately).
	 */
	private static byte[][] payloads() {
		return List
			.of(utf8("abc"), new byte[0], bytes(0), repeat(0xaa, MAX), utf8("\n\r\n€😀"), new byte[0], bytes(0xff, 0))
			.toArray(new byte[0][]);
	}

	/**
	 * An empty frame whose split header completes at the end of a read is delivered at
	 * once.
	 */
	@Test
	void deliversAnEmptyFrameWhoseSplitHeaderEndsTheRead() throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		FrameDecoder decoder = LengthPrefixedFraming.INSTANCE.newDecoder(64);
		decoder.decode(ByteBuffer.wrap(bytes(0, 0)), sink);
		decoder.decode(ByteBuffer.wrap(bytes(0, 0)), sink);
		assertThat(sink.transcript()).containsExactly("bytes[0] ");
	}

	/** A stream ending in an empty frame delivers it at every split point. */
	@Test
	void deliversATrailingEmptyFrameAtEverySplitPoint() throws Exception {
		byte[] stream = encode(LengthPrefixedFraming.INSTANCE, utf8("ab"), new byte[0]);
		for (int cut = 0; cut <= stream.length; cut++) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(BufferKind.DIRECT).feedCutAt(LengthPrefixedFraming.INSTANCE.newDecoder(64), stream, sink, cut);
			assertThat(sink.frames()).as("cut at %d", cut).containsExactly(utf8("ab"), new byte[0]);
		}
	}

	/** The header is big-endian whatever the input buffer's byte order. */
	@Test
	void readsTheHeaderBigEndianWhateverTheInputOrder() throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		ByteBuffer input = ByteBuffer.wrap(bytes(0, 0, 0, 2, 'h', 'i')).order(ByteOrder.LITTLE_ENDIAN);
		LengthPrefixedFraming.INSTANCE.newDecoder(64).decode(input, sink);
		assertThat(sink.frames()).containsExactly(utf8("hi"));
	}

	/** The header is written big-endian whatever the target buffer's byte order. */
	@Test
	void writesTheHeaderBigEndianWhateverTheTargetOrder() {
		ByteBuffer target = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
		LengthPrefixedFraming.INSTANCE.writeHeader(2, target);
		assertThat(target.array()).containsExactly(bytes(0, 0, 0, 2));
	}

}
