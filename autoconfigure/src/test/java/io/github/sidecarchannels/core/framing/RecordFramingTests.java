package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.framing.FramingTestSupport.BufferKind;
import io.github.sidecarchannels.core.framing.FramingTestSupport.Feeder;
import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.github.sidecarchannels.core.framing.FramingTestSupport.bytes;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.concat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.encode;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.repeat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecordFraming}.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RecordFramingTests {

	private static final int MAX = 32;

	private final RecordFraming framing = RecordFraming.INSTANCE;

	private final RecordingFrameSink sink = new RecordingFrameSink();

	// Encoding

	@Test
	void addsNoOverhead() {
		assertThat(this.framing.overhead()).isZero();
	}

	@Test
	void doesNotCoalesce() {
		assertThat(this.framing.coalesces()).isFalse();
	}

	@Test
	void headerAndTrailerAreEmpty() {
		ByteBuffer target = ByteBuffer.allocate(8);
		this.framing.writeHeader(5, target);
		this.framing.writeTrailer(target);
		assertThat(target.position()).isZero();
	}

	@Test
	void encodesThePayloadAlone() {
		assertThat(encode(this.framing, utf8("héllo\n"), bytes(0, 0xff)))
			.containsExactly(concat(utf8("héllo\n"), bytes(0, 0xff)));
	}

	@Test
	void rejectsAnEmptyPayload() {
		assertThat(this.framing.rejectionReason(ByteBuffer.allocate(0))).contains("empty");
	}

	@Test
	void rejectsAPayloadWithNothingBetweenPositionAndLimitAndConsumesNothing() {
		ByteBuffer payload = ByteBuffer.wrap(utf8("abc")).position(3);
		assertThat(this.framing.rejectionReason(payload)).contains("empty");
		payload.position(2);
		assertThat(this.framing.rejectionReason(payload)).isNull();
		assertThat(payload.position()).isEqualTo(2);
	}

	@Test
	void acceptsAnyNonEmptyPayload() {
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(bytes(0)))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("multi\nline\n")))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(bytes(0xff, 0xfe)))).isNull();
	}

	@Test
	void isSelectedForSeqpacketWhateverTheFramingSetting() {
		for (FramingType type : FramingType.values()) {
			SidecarDefinition definition = SidecarDefinition.builder("records")
				.command("cat")
				.transport(Transport.SEQPACKET)
				.framing(type)
				.build();
			assertThat(Framing.of(definition)).as("%s", type).isSameAs(RecordFraming.INSTANCE);
		}
	}

	// Decoding

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void deliversEachRecordWholeAsOneFrame(BufferKind kind) throws Exception {
		FrameDecoder decoder = decoder(MAX);
		Feeder feeder = new Feeder(kind);
		feeder.feedWhole(decoder, utf8("one\ntwo\n"), this.sink);
		feeder.feedWhole(decoder, bytes(0, 0, 0, 4), this.sink);
		feeder.feedWhole(decoder, bytes(0xff), this.sink);
		assertThat(this.sink.frames()).containsExactly(utf8("one\ntwo\n"), bytes(0, 0, 0, 4), bytes(0xff));
		assertThat(this.sink.sizes()).containsExactly(8, 4, 1);
		assertThat(this.sink.problemTypes()).isEmpty();
		assertThat(this.sink.payloads()).allSatisfy((payload) -> assertThat(payload).isInstanceOf(byte[].class));
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void deliversARecordOfExactlyTheMaximum(BufferKind kind) throws Exception {
		byte[] record = repeat('r', MAX);
		new Feeder(kind).feedWhole(decoder(MAX), record, this.sink);
		assertThat(this.sink.frames()).containsExactly(record);
		assertThat(this.sink.sizes()).containsExactly(MAX);
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void reportsAndDropsARecordOverTheMaximum(BufferKind kind) throws Exception {
		FrameDecoder decoder = decoder(MAX);
		Feeder feeder = new Feeder(kind);
		feeder.feedWhole(decoder, repeat('r', MAX + 1), this.sink);
		assertThat(this.sink.frames()).isEmpty();
		assertThat(this.sink.problemTypes()).containsExactly("oversize-record");
		assertThat(this.sink.problemDescriptions()).singleElement().asString().contains(String.valueOf(MAX));
		feeder.feedWhole(decoder, utf8("next"), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-record, dropped", "bytes[4] 6e 65 78 74");
	}

	@Test
	void consumesTheRecord() throws Exception {
		ByteBuffer small = ByteBuffer.wrap(utf8("abc"));
		ByteBuffer large = ByteBuffer.wrap(repeat('x', MAX + 10));
		decoder(MAX).decode(small, this.sink);
		decoder(MAX).decode(large, this.sink);
		assertThat(small.hasRemaining()).isFalse();
		assertThat(large.hasRemaining()).isFalse();
		assertThat(this.sink.transcript()).containsExactly("bytes[3] 61 62 63", "problem oversize-record, dropped");
	}

	@Test
	void deliversOnlyTheBytesBetweenPositionAndLimit() throws Exception {
		ByteBuffer record = ByteBuffer.wrap(utf8("[inner]")).position(1).limit(6);
		decoder(MAX).decode(record, this.sink);
		assertThat(this.sink.frames()).containsExactly(utf8("inner"));
		assertThat(record.position()).isEqualTo(6);
	}

	@Test
	void deliversCopiesNotViewsOfTheRecord() throws Exception {
		byte[] bytes = utf8("abc");
		decoder(MAX).decode(ByteBuffer.wrap(bytes), this.sink);
		bytes[0] = 'X';
		assertThat(this.sink.frames()).containsExactly(utf8("abc"));
	}

	@Test
	void keepsNoStateBetweenRecords() throws Exception {
		FrameDecoder decoder = decoder(MAX);
		decoder.decode(ByteBuffer.wrap(bytes(0, 0, 0)), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("ab")), this.sink);
		assertThat(this.sink.frames()).containsExactly(bytes(0, 0, 0), utf8("ab"));
	}

	private FrameDecoder decoder(int maxMessageSize) {
		return this.framing.newDecoder(maxMessageSize);
	}

}
