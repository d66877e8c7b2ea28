package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.github.sidecarchannels.core.framing.FramingTestSupport.BufferKind;
import io.github.sidecarchannels.core.framing.FramingTestSupport.Feeder;
import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.sidecarchannels.core.framing.FramingTestSupport.bytes;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.concat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.repeat;
import static io.github.sidecarchannels.core.framing.FramingTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LineFraming}.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LineFramingTests {

	private static final int MAX = 16;

	private final LineFraming framing = new LineFraming();

	private final RecordingFrameSink sink = new RecordingFrameSink();

	// Encoding

	@Test
	void overheadIsTheNewline() {
		assertThat(this.framing.overhead()).isEqualTo(1);
	}

	@Test
	void coalesces() {
		assertThat(this.framing.coalesces()).isTrue();
	}

	@Test
	void headerIsEmpty() {
		ByteBuffer target = ByteBuffer.allocate(8);
		this.framing.writeHeader(5, target);
		assertThat(target.position()).isZero();
	}

	@Test
	void trailerIsOneNewline() {
		ByteBuffer target = ByteBuffer.allocate(8);
		this.framing.writeTrailer(target);
		assertThat(target.flip()).isEqualTo(ByteBuffer.wrap(new byte[] { '\n' }));
	}

	@Test
	void encodesPayloadThenNewline() {
		assertThat(FramingTestSupport.encode(this.framing, utf8("héllo ✓"), utf8(""), utf8("x")))
			.containsExactly(utf8("héllo ✓\n\nx\n"));
	}

	@Test
	void rejectsATrailingCarriageReturnTheDecoderWouldStrip() {
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("abc\r")))).contains("carriage return");
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("\r")))).contains("carriage return");
		ByteBuffer slice = ByteBuffer.wrap(utf8("ab\rcd"), 0, 3);
		assertThat(this.framing.rejectionReason(slice)).contains("carriage return");
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("ab\rcd"), 0, 2))).isNull();
	}

	@Test
	void acceptsPayloadsWithoutNewline() {
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(utf8("tab\tcr\rquote\" ✓")))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.allocate(0))).isNull();
		assertThat(this.framing.rejectionReason(ByteBuffer.wrap(bytes(0xff, 0x00, 0xfe)))).isNull();
	}

	@Test
	void rejectsPayloadWithNewlineNamingIt() {
		String reason = this.framing.rejectionReason(ByteBuffer.wrap(utf8("one\ntwo")));
		assertThat(reason).contains("newline").contains("byte 3");
	}

	@Test
	void rejectionLooksOnlyBetweenPositionAndLimitAndConsumesNothing() {
		ByteBuffer payload = ByteBuffer.wrap(utf8("\nab\ncd\n"));
		payload.position(1).limit(6);
		assertThat(this.framing.rejectionReason(payload)).contains("newline").contains("byte 2");
		assertThat(payload.position()).isEqualTo(1);
		assertThat(payload.limit()).isEqualTo(6);
		payload.position(4).limit(6);
		assertThat(this.framing.rejectionReason(payload)).isNull();
	}

	@Test
	void isSelectedForStreamTransportWithLinesFraming() {
		SidecarDefinition definition = SidecarDefinition.builder("lines")
			.command("cat")
			.transport(Transport.STREAM)
			.framing(FramingType.LINES)
			.build();
		assertThat(Framing.of(definition)).isInstanceOf(LineFraming.class);
	}

	// Decoding

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void decodesOneWholeLine(BufferKind kind) throws Exception {
		new Feeder(kind).feedWhole(decoder(1024), utf8("héllo wörld ✓\n"), this.sink);
		assertThat(this.sink.lines()).containsExactly("héllo wörld ✓");
		assertThat(this.sink.sizes()).containsExactly(utf8("héllo wörld ✓").length);
		assertThat(this.sink.problemTypes()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void decodesManyLinesInOneRead(BufferKind kind) throws Exception {
		new Feeder(kind).feedWhole(decoder(1024), utf8("one\ntwo\n\nfour 😀\r\nfive\n"), this.sink);
		assertThat(this.sink.lines()).containsExactly("one", "two", "", "four 😀", "five");
		assertThat(this.sink.sizes()).containsExactly(3, 3, 0, 9, 4);
		assertThat(this.sink.problemTypes()).isEmpty();
	}

	@Test
	void keepsAnUnfinishedLineUntilItsNewlineArrives() throws Exception {
		FrameDecoder decoder = decoder(1024);
		Feeder feeder = new Feeder(BufferKind.DIRECT);
		feeder.feedWhole(decoder, utf8("first\nsec"), this.sink);
		assertThat(this.sink.lines()).containsExactly("first");
		feeder.feedWhole(decoder, utf8("ond"), this.sink);
		assertThat(this.sink.lines()).containsExactly("first");
		feeder.feedWhole(decoder, utf8("\nthird"), this.sink);
		assertThat(this.sink.lines()).containsExactly("first", "second");
		feeder.feedWhole(decoder, utf8("\n"), this.sink);
		assertThat(this.sink.lines()).containsExactly("first", "second", "third");
	}

	@Test
	void anEmptyReadDeliversNothing() throws Exception {
		FrameDecoder decoder = decoder(1024);
		decoder.decode(ByteBuffer.allocate(0), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("par")), this.sink);
		decoder.decode(ByteBuffer.allocate(0), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("t\n")), this.sink);
		assertThat(this.sink.lines()).containsExactly("part");
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void givesTheSameLinesAtEverySplitPoint(BufferKind kind) throws Exception {
		byte[] stream = utf8("héllo\n\r\n€ and 😀\r\n\nlast line ✓\n");
		List<String> expected = List.of("héllo", "", "€ and 😀", "", "last line ✓");
		for (int cut = 0; cut <= stream.length; cut++) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(kind).feedCutAt(decoder(1024), stream, sink, cut);
			assertThat(sink.lines()).as("cut at %d", cut).isEqualTo(expected);
			assertThat(sink.problemTypes()).as("cut at %d", cut).isEmpty();
		}
	}

	@Test
	void givesTheSameLinesAtEveryPairOfSplitPoints() throws Exception {
		byte[] stream = utf8("a€\r\n\n😀b\r\nxyz\n");
		List<String> expected = List.of("a€", "", "😀b", "xyz");
		for (int first = 0; first <= stream.length; first++) {
			for (int second = first; second <= stream.length; second++) {
				RecordingFrameSink sink = new RecordingFrameSink();
				new Feeder(BufferKind.HEAP_SLICE).feedCutAt(decoder(1024), stream, sink, first, second);
				assertThat(sink.lines()).as("cuts at %d and %d", first, second).isEqualTo(expected);
				assertThat(sink.problemTypes()).isEmpty();
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7 })
	void givesTheSameLinesWhateverTheReadSize(int chunkSize) throws Exception {
		List<String> lines = List.of("héllo wörld", "", "€€€", "😀😀", "tab\tseparated", "ends with cr", "z");
		byte[] stream = concat(utf8(String.join("\n", lines.subList(0, 5))), utf8("\nends with cr\r\nz\n"));
		for (BufferKind kind : BufferKind.values()) {
			RecordingFrameSink sink = new RecordingFrameSink();
			Feeder feeder = new Feeder(kind);
			feeder.feedInChunks(decoder(1024), stream, chunkSize, sink);
			assertThat(sink.lines()).as("%s reads of %d bytes", kind, chunkSize).isEqualTo(lines);
			assertThat(sink.problemTypes()).isEmpty();
			assertThat(feeder.reads()).isEqualTo((stream.length + chunkSize - 1) / chunkSize);
		}
	}

	@Test
	void stripsTheCarriageReturnBeforeTheNewline() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(utf8("a\r\n\r\nb\r\n")), this.sink);
		assertThat(this.sink.lines()).containsExactly("a", "", "b");
		assertThat(this.sink.sizes()).containsExactly(1, 0, 1);
	}

	@Test
	void stripsTheCarriageReturnWhenItEndsOneReadAndTheNewlineStartsTheNext() throws Exception {
		FrameDecoder decoder = decoder(1024);
		decoder.decode(ByteBuffer.wrap(utf8("abc\r")), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("\ndef\r")), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("\n")), this.sink);
		assertThat(this.sink.lines()).containsExactly("abc", "def");
	}

	@Test
	void keepsOtherCarriageReturns() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(utf8("a\rb\n\rc\nd\r\r\n")), this.sink);
		assertThat(this.sink.lines()).containsExactly("a\rb", "\rc", "d\r");
	}

	@Test
	void deliversEmptyLines() throws Exception {
		FrameDecoder decoder = decoder(1024);
		decoder.decode(ByteBuffer.wrap(utf8("\n\n")), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("\r\n")), this.sink);
		assertThat(this.sink.lines()).containsExactly("", "", "");
		assertThat(this.sink.sizes()).containsExactly(0, 0, 0);
	}

	@Test
	void decodesMultiByteCharactersSplitAtEveryByte() throws Exception {
		for (String character : List.of("é", "€", "😀", "\uFFFD")) {
			byte[] stream = utf8("<" + character + ">\n");
			for (int cut = 1; cut < stream.length - 1; cut++) {
				RecordingFrameSink sink = new RecordingFrameSink();
				new Feeder(BufferKind.DIRECT).feedCutAt(decoder(1024), stream, sink, cut);
				assertThat(sink.lines()).as("%s cut at %d", character, cut).containsExactly("<" + character + ">");
				assertThat(sink.problemTypes()).isEmpty();
			}
		}
	}

	@Test
	void deliversStringPayloads() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(utf8("x\n")), this.sink);
		assertThat(this.sink.payloads()).singleElement().isInstanceOf(String.class);
	}

	// Limits

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void deliversALineOfExactlyTheMaximum(BufferKind kind) throws Exception {
		String line = "a".repeat(MAX);
		new Feeder(kind).feedWhole(decoder(MAX), utf8(line + "\n" + line + "\r\n"), this.sink);
		assertThat(this.sink.lines()).containsExactly(line, line);
		assertThat(this.sink.problemTypes()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7 })
	void deliversALineOfExactlyTheMaximumInSmallReads(int chunkSize) throws Exception {
		String line = "€".repeat(MAX / 3) + "a".repeat(MAX % 3);
		assertThat(utf8(line)).hasSize(MAX);
		new Feeder(BufferKind.DIRECT).feedInChunks(decoder(MAX), utf8(line + "\n" + line + "\r\n"), chunkSize,
				this.sink);
		assertThat(this.sink.lines()).containsExactly(line, line);
		assertThat(this.sink.problemTypes()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(BufferKind.class)
	void skipsALineOneByteOverTheMaximumAndResyncs(BufferKind kind) throws Exception {
		byte[] stream = utf8("before\n" + "b".repeat(MAX + 1) + "\nafter\n");
		new Feeder(kind).feedWhole(decoder(MAX), stream, this.sink);
		assertThat(this.sink.transcript()).containsExactly("text[6] before", "problem oversize-line, dropped",
				"text[5] after");
		assertThat(this.sink.problemDescriptions()).singleElement().asString().contains(String.valueOf(MAX));
	}

	@Test
	void skipsALineOneByteOverTheMaximumEvenWithCarriageReturn() throws Exception {
		decoder(MAX).decode(ByteBuffer.wrap(utf8("b".repeat(MAX + 1) + "\r\nafter\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-line, dropped", "text[5] after");
	}

	@Test
	void countsBytesNotCharacters() throws Exception {
		String line = "€".repeat(MAX / 3 + 1);
		assertThat(line.length()).isLessThanOrEqualTo(MAX);
		decoder(MAX).decode(ByteBuffer.wrap(utf8(line + "\nok\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-line, dropped", "text[2] ok");
	}

	@Test
	void skipsAnOversizeLineAndResyncsAtEverySplitPoint() throws Exception {
		for (int over : new int[] { 1, 2, MAX, 3 * MAX }) {
			byte[] stream = utf8("before\n" + "b".repeat(MAX + over) + "\nafter\r\n");
			for (int cut = 0; cut <= stream.length; cut++) {
				RecordingFrameSink sink = new RecordingFrameSink();
				new Feeder(BufferKind.HEAP_SLICE).feedCutAt(decoder(MAX), stream, sink, cut);
				assertThat(sink.transcript()).as("%d over, cut at %d", over, cut)
					.containsExactly("text[6] before", "problem oversize-line, dropped", "text[5] after");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7 })
	void skipsAnOversizeLineArrivingInManySmallReads(int chunkSize) throws Exception {
		byte[] stream = utf8("b".repeat(10 * MAX) + "\nafter\n" + "c".repeat(MAX + 1) + "\n" + "d".repeat(MAX) + "\n");
		new Feeder(BufferKind.DIRECT).feedInChunks(decoder(MAX), stream, chunkSize, this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-line, dropped", "text[5] after",
				"problem oversize-line, dropped", "text[16] " + "d".repeat(MAX));
	}

	@ParameterizedTest
	@ValueSource(ints = { 255, 256, 257, 1000, 5000 })
	void growsThePartialLineUpToTheMaximumPlusCarriageReturn(int max) throws Exception {
		String longest = "x".repeat(max - 1) + "y";
		byte[] stream = utf8(longest + "\r\n" + longest + "z\n" + longest + "\n" + "w" + longest + "\r\nend\n");
		for (int chunkSize : new int[] { 1, 7, 100 }) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(BufferKind.DIRECT).feedInChunks(decoder(max), stream, chunkSize, sink);
			assertThat(sink.transcript()).as("max %d, reads of %d", max, chunkSize)
				.containsExactly("text[" + max + "] " + longest, "problem oversize-line, dropped",
						"text[" + max + "] " + longest, "problem oversize-line, dropped", "text[3] end");
		}
	}

	@Test
	void reportsAnEndlessLineOnce() throws Exception {
		FrameDecoder decoder = decoder(MAX);
		for (int i = 0; i < 100; i++) {
			decoder.decode(ByteBuffer.wrap(repeat('x', 5)), this.sink);
		}
		assertThat(this.sink.problemTypes()).containsExactly("oversize-line");
		decoder.decode(ByteBuffer.wrap(utf8("yy\nnext\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-line, dropped", "text[4] next");
	}

	@Test
	void resyncsWhenTheNewlineStartsTheNextRead() throws Exception {
		FrameDecoder decoder = decoder(MAX);
		decoder.decode(ByteBuffer.wrap(repeat('x', MAX + 5)), this.sink);
		decoder.decode(ByteBuffer.wrap(utf8("\nnext\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem oversize-line, dropped", "text[4] next");
	}

	@Test
	void handlesTheSmallestMaximum() throws Exception {
		decoder(1).decode(ByteBuffer.wrap(utf8("a\nab\n\r\nb\r\nab\r\n\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("text[1] a", "problem oversize-line, dropped", "text[0] ",
				"text[1] b", "problem oversize-line, dropped", "text[0] ");
	}

	// Invalid UTF-8

	@Test
	void deliversInvalidBytesAsReplacementCharactersAndReportsThem() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(concat(utf8("a"), bytes(0xff, 0xfe), utf8("b\nclean\n"))), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem invalid-utf8, repaired", "text[4] a\uFFFD\uFFFDb",
				"text[5] clean");
	}

	@Test
	void reportsATruncatedSequence() throws Exception {
		decoder(1024).decode(
				ByteBuffer.wrap(concat(utf8("a"), bytes(0xe2, 0x82), utf8("b\n"), bytes(0xe2, 0x82, '\n'))), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem invalid-utf8, repaired", "text[4] a\uFFFDb",
				"problem invalid-utf8, repaired", "text[2] \uFFFD");
	}

	@Test
	void reportsOverlongEncodingsAndEncodedSurrogates() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(concat(bytes(0xc0, 0xaf, '\n'), bytes(0xed, 0xa0, 0x80, '\n'))),
				this.sink);
		assertThat(this.sink.problemTypes()).containsExactly("invalid-utf8", "invalid-utf8");
		assertThat(this.sink.lines()).hasSize(2).allSatisfy((line) -> assertThat(line).isNotEmpty().matches("\uFFFD+"));
	}

	@Test
	void reportsInvalidBytesSplitAcrossReads() throws Exception {
		byte[] stream = concat(utf8("é"), bytes(0xe2, 0x82), utf8("z€\n"));
		for (int cut = 0; cut <= stream.length; cut++) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(BufferKind.DIRECT).feedCutAt(decoder(1024), stream, sink, cut);
			assertThat(sink.transcript()).as("cut at %d", cut)
				.containsExactly("problem invalid-utf8, repaired", "text[8] é\uFFFDz€");
		}
	}

	@Test
	void doesNotReportAnEncodedReplacementCharacter() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(utf8("\uFFFD in \uFFFD\n")), this.sink);
		assertThat(this.sink.transcript()).containsExactly("text[10] \uFFFD in \uFFFD");
	}

	@Test
	void reportsInvalidBytesNextToAnEncodedReplacementCharacter() throws Exception {
		decoder(1024).decode(ByteBuffer.wrap(concat(utf8("\uFFFD"), bytes(0xff, '\n'))), this.sink);
		assertThat(this.sink.transcript()).containsExactly("problem invalid-utf8, repaired", "text[4] \uFFFD\uFFFD");
	}

	@Test
	void checksTheLengthOfInvalidLinesInBytes() throws Exception {
		byte[] stream = concat(repeat(0xff, MAX), utf8("\n"), repeat(0xff, MAX + 1), utf8("\nok\n"));
		List<List<String>> transcripts = new ArrayList<>();
		for (int chunkSize : new int[] { 1, 3, stream.length }) {
			RecordingFrameSink sink = new RecordingFrameSink();
			new Feeder(BufferKind.HEAP).feedInChunks(decoder(MAX), stream, chunkSize, sink);
			transcripts.add(sink.transcript());
		}
		assertThat(transcripts)
			.allSatisfy((transcript) -> assertThat(transcript).containsExactly("problem invalid-utf8, repaired",
					"text[16] " + "\uFFFD".repeat(MAX), "problem oversize-line, dropped", "text[2] ok"));
	}

	private FrameDecoder decoder(int maxMessageSize) {
		return this.framing.newDecoder(maxMessageSize);
	}

}
