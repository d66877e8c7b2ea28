package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.github.sidecarchannels.core.framing.FramingTestSupport.BufferKind;
import io.github.sidecarchannels.core.framing.FramingTestSupport.Feeder;
import io.github.sidecarchannels.core.channel.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random and mutated input for every decoder, with fixed seeds. Each input is decoded in
 * random reads and checked against a plain model of the framing, so the outcome must not
 * depend on how the bytes were split: frames and documented problems only, never an
 * unexpected exception, never a payload over the maximum.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FramingFuzzTests {

	private static final int INPUTS = 100_000;

	private static final int[] MAX_SIZES = { 1, 2, 7, 64, 200 };

	private static final Set<String> LINE_PROBLEMS = Set.of("oversize-line", "invalid-utf8");

	private static final byte[] INTERESTING_LINE_BYTES = FramingTestSupport.bytes('\n', '\n', '\n', '\r', '\r', 'a',
			'b', ' ', 0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xef, 0xbf, 0xbd, 0xf0,
			0x9f, 0x98, 0x80, 0xf4, 0x90, 0xf8, 0xfe, 0xff);

	private static final String[] LINE_PIECES = { "a", "b", "Z", " ", "\t", "é", "ß", "€", "✓", "😀", "\uFFFD", "\r",
			"\u0000", "\u007f", "\u0080", "\uD7FF", "\uE000", "\uFFFF", new String(Character.toChars(0x10FFFF)) };

	private final Feeder[] feeders = { new Feeder(BufferKind.HEAP), new Feeder(BufferKind.HEAP_SLICE),
			new Feeder(BufferKind.DIRECT), new Feeder(BufferKind.READ_ONLY) };

	// Lines

	@Test
	void linesSurviveRandomBytes() throws Exception {
		Random random = new Random(0x11E5_0001L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] stream = new byte[random.nextInt(4 * max + 40)];
			for (int j = 0; j < stream.length; j++) {
				stream[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
						: INTERESTING_LINE_BYTES[random.nextInt(INTERESTING_LINE_BYTES.length)];
			}
			seen.addAll(checkLines(random, stream, max, "soup #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "oversize-line", "invalid-utf8", "unterminated");
	}

	@Test
	void linesSurviveMutatedValidStreams() throws Exception {
		Random random = new Random(0x11E5_0002L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] stream = mutate(random, FramingTestSupport.encode(new LineFraming(), lineMessages(random, max)),
					INTERESTING_LINE_BYTES);
			seen.addAll(checkLines(random, stream, max, "mutated #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "oversize-line", "invalid-utf8", "unterminated");
	}

	@Test
	void linesComeBackExactlyFromValidStreamsWhateverTheReads() throws Exception {
		Random random = new Random(0x11E5_0003L);
		long messages = 0;
		for (int i = 0; i < INPUTS / 5; i++) {
			int max = pick(random, MAX_SIZES);
			byte[][] payloads = lineMessages(random, max);
			List<String> expected = Arrays.stream(payloads)
				.map((payload) -> new String(payload, StandardCharsets.UTF_8))
				.toList();
			RecordingFrameSink sink = new RecordingFrameSink();
			feedRandomly(random, new LineFraming().newDecoder(max),
					FramingTestSupport.encode(new LineFraming(), payloads), sink);
			assertThat(sink.lines()).as("valid #%d", i).isEqualTo(expected);
			assertThat(sink.problemTypes()).as("valid #%d", i).isEmpty();
			messages += expected.size();
		}
		assertThat(messages).isGreaterThan(INPUTS / 5);
	}

	/**
	 * @return what happened, for the coverage check
	 */
	private Set<String> checkLines(Random random, byte[] stream, int max, String input) throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		feedRandomly(random, new LineFraming().newDecoder(max), stream, sink);
		List<String> actual = sink.transcript();
		LineModel model = new LineModel(stream, max);
		List<String> withTailReported = new ArrayList<>(model.transcript);
		withTailReported.add("problem oversize-line, dropped");
		if (!actual.equals(model.transcript) && !(model.tailOverMax && actual.equals(withTailReported))) {
			fail("%s (max %d, bytes %s): expected %s%s but got %s", input, max, FramingTestSupport.hex(stream),
					model.transcript, model.tailOverMax ? " (and maybe a last oversize-line)" : "", actual);
		}
		for (RecordingFrameSink.Event event : sink.events()) {
			boolean documented = event.isFrame()
					? event.payload() instanceof String text && text.length() <= max && event.size() >= 0
							&& event.size() <= max
					: LINE_PROBLEMS.contains(event.problemType()) && !event.description().isBlank();
			if (!documented) {
				fail("%s (max %d): undocumented outcome %s", input, max, event);
			}
		}
		Set<String> seen = new HashSet<>(sink.problemTypes());
		if (!sink.lines().isEmpty()) {
			seen.add("frame");
		}
		if (model.tailOverMax) {
			seen.add("unterminated");
		}
		return seen;
	}

	private static byte[][] lineMessages(Random random, int max) {
		byte[][] messages = new byte[random.nextInt(8)][];
		for (int m = 0; m < messages.length; m++) {
			int limit = random.nextInt(max + 1);
			StringBuilder text = new StringBuilder();
			while (true) {
				String piece = LINE_PIECES[random.nextInt(LINE_PIECES.length)];
				if (text.toString().getBytes(StandardCharsets.UTF_8).length
						+ piece.getBytes(StandardCharsets.UTF_8).length > limit) {
					break;
				}
				text.append(piece);
			}
			while (text.length() > 0 && text.charAt(text.length() - 1) == '\r') {
				text.setLength(text.length() - 1);
			}
			messages[m] = text.toString().getBytes(StandardCharsets.UTF_8);
		}
		return messages;
	}

	/**
	 * Lines framing as documented: split at {@code \n}, drop one {@code \r} before it,
	 * skip lines over the maximum, replace and report invalid UTF-8.
	 */
	private static final class LineModel {

		private final List<String> transcript = new ArrayList<>();

		/**
		 * Whether the unterminated rest of the stream is already longer than any line may
		 * be.
		 */
		private final boolean tailOverMax;

		LineModel(byte[] stream, int max) {
			int start = 0;
			for (int i = 0; i < stream.length; i++) {
				if (stream[i] == '\n') {
					line(Arrays.copyOfRange(stream, start, i), max);
					start = i + 1;
				}
			}
			int tail = stream.length - start;
			this.tailOverMax = tail > max + 1 || (tail == max + 1 && stream[stream.length - 1] != '\r');
		}

		private void line(byte[] line, int max) {
			int length = line.length;
			if (length > 0 && line[length - 1] == '\r') {
				length--;
			}
			if (length > max) {
				this.transcript.add("problem oversize-line, dropped");
				return;
			}
			byte[] bytes = Arrays.copyOf(line, length);
			String text = new String(bytes, StandardCharsets.UTF_8);
			if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
				this.transcript.add("problem invalid-utf8, repaired");
			}
			this.transcript.add("text[" + length + "] " + text);
		}

	}

	// Length-prefixed

	@Test
	void lengthPrefixedSurvivesRandomBytes() throws Exception {
		Random random = new Random(0x1E46_0001L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] stream = new byte[random.nextInt(3 * max + 40)];
			for (int j = 0; j < stream.length; j++) {
				// mostly small numbers, so headers often announce acceptable lengths
				stream[j] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256)
						: random.nextInt(random.nextInt(8) + 1));
			}
			seen.addAll(checkLengthPrefixed(random, stream, max, "soup #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "empty-frame", "rejected", "incomplete");
	}

	@Test
	void lengthPrefixedSurvivesMutatedValidStreams() throws Exception {
		Random random = new Random(0x1E46_0002L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] stream = mutate(random,
					FramingTestSupport.encode(LengthPrefixedFraming.INSTANCE, binaryMessages(random, max, 0)),
					FramingTestSupport.bytes(0, 0, 0, 1, 0xff, 0x80));
			seen.addAll(checkLengthPrefixed(random, stream, max, "mutated #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "empty-frame", "rejected", "incomplete");
	}

	@Test
	void lengthPrefixedFramesComeBackExactlyFromValidStreamsWhateverTheReads() throws Exception {
		Random random = new Random(0x1E46_0003L);
		long messages = 0;
		for (int i = 0; i < INPUTS / 5; i++) {
			int max = pick(random, MAX_SIZES);
			byte[][] payloads = binaryMessages(random, max, 0);
			RecordingFrameSink sink = new RecordingFrameSink();
			feedRandomly(random, LengthPrefixedFraming.INSTANCE.newDecoder(max),
					FramingTestSupport.encode(LengthPrefixedFraming.INSTANCE, payloads), sink);
			List<byte[]> expected = List.of(payloads);
			assertThat(sink.frames()).as("valid #%d", i).containsExactlyElementsOf(expected);
			assertThat(sink.problemTypes()).isEmpty();
			messages += payloads.length;
		}
		assertThat(messages).isGreaterThan(INPUTS / 5);
	}

	private Set<String> checkLengthPrefixed(Random random, byte[] stream, int max, String input) throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		LengthPrefixedModel model = new LengthPrefixedModel(stream, max);
		FramingException rejection = null;
		try {
			feedRandomly(random, LengthPrefixedFraming.INSTANCE.newDecoder(max), stream, sink);
		}
		catch (FramingException ex) {
			rejection = ex;
		}
		List<String> actual = sink.transcript();
		if (!actual.equals(model.transcript)) {
			fail("%s (max %d, bytes %s): expected %s but got %s", input, max, FramingTestSupport.hex(stream),
					model.transcript, actual);
		}
		if (model.rejectedLength >= 0) {
			assertThat(rejection).as("%s (max %d, bytes %s)", input, max, FramingTestSupport.hex(stream)).isNotNull();
			assertThat(rejection.getMessage()).contains(Long.toString(model.rejectedLength))
				.contains("(" + max + " bytes)")
				.contains(model.rejectedHeaderHex);
		}
		else {
			assertThat(rejection).as("%s (max %d, bytes %s)", input, max, FramingTestSupport.hex(stream)).isNull();
		}
		for (RecordingFrameSink.Event event : sink.events()) {
			boolean documented = event.isFrame() && event.payload() instanceof byte[] payload
					&& payload.length == event.size() && payload.length <= max;
			if (!documented) {
				fail("%s (max %d): undocumented outcome %s", input, max, event);
			}
		}
		Set<String> seen = new HashSet<>();
		sink.frames().forEach((frame) -> seen.add(frame.length > 0 ? "frame" : "empty-frame"));
		if (rejection != null) {
			seen.add("rejected");
		}
		if (model.incomplete) {
			seen.add("incomplete");
		}
		return seen;
	}

	/**
	 * Length-prefixed framing as documented: a 4-byte big-endian unsigned length, then
	 * that many bytes; a length over the maximum ends the stream.
	 */
	private static final class LengthPrefixedModel {

		private final List<String> transcript = new ArrayList<>();

		private long rejectedLength = -1;

		private String rejectedHeaderHex;

		private boolean endsWithEmptyFrame;

		private boolean incomplete;

		LengthPrefixedModel(byte[] stream, int max) {
			ByteBuffer bytes = ByteBuffer.wrap(stream);
			while (bytes.remaining() >= 4) {
				byte[] header = new byte[4];
				bytes.get(header);
				long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).getInt());
				if (length > max) {
					this.rejectedLength = length;
					this.rejectedHeaderHex = FramingTestSupport.hex(header);
					return;
				}
				if (bytes.remaining() < length) {
					this.incomplete = true;
					return;
				}
				byte[] payload = new byte[(int) length];
				bytes.get(payload);
				this.transcript.add("bytes[" + length + "] " + FramingTestSupport.hex(payload));
				this.endsWithEmptyFrame = length == 0 && !bytes.hasRemaining();
			}
			this.incomplete = bytes.hasRemaining();
		}

	}

	// Content-length

	private static final byte[] INTERESTING_HEADER_BYTES = FramingTestSupport
		.utf8("Content-Length: 0123456789\r\n\r\n:x-");

	@Test
	void contentLengthSurvivesMutatedValidStreams() throws Exception {
		Random random = new Random(0xC0A7_0001L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] stream = mutate(random,
					FramingTestSupport.encode(ContentLengthFraming.INSTANCE, binaryMessages(random, max, 0)),
					INTERESTING_HEADER_BYTES);
			seen.addAll(checkContentLength(random, stream, max, "mutated #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "empty-frame", "rejected", "incomplete");
	}

	@Test
	void contentLengthFramesComeBackExactlyFromValidStreamsWhateverTheReads() throws Exception {
		Random random = new Random(0xC0A7_0002L);
		long messages = 0;
		for (int i = 0; i < INPUTS / 5; i++) {
			int max = pick(random, MAX_SIZES);
			byte[][] payloads = binaryMessages(random, max, 0);
			RecordingFrameSink sink = new RecordingFrameSink();
			feedRandomly(random, ContentLengthFraming.INSTANCE.newDecoder(max),
					FramingTestSupport.encode(ContentLengthFraming.INSTANCE, payloads), sink);
			assertThat(sink.frames()).as("valid #%d", i).containsExactlyElementsOf(List.of(payloads));
			assertThat(sink.problemTypes()).isEmpty();
			messages += payloads.length;
		}
		assertThat(messages).isGreaterThan(INPUTS / 5);
	}

	private Set<String> checkContentLength(Random random, byte[] stream, int max, String input) throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		ContentLengthModel model = new ContentLengthModel(stream, max);
		FramingException rejection = null;
		try {
			feedRandomly(random, ContentLengthFraming.INSTANCE.newDecoder(max), stream, sink);
		}
		catch (FramingException ex) {
			rejection = ex;
		}
		if (!sink.transcript().equals(model.transcript)) {
			fail("%s (max %d, bytes %s): expected %s but got %s", input, max, FramingTestSupport.hex(stream),
					model.transcript, sink.transcript());
		}
		assertThat(rejection != null).as("%s (max %d, bytes %s): rejected", input, max, FramingTestSupport.hex(stream))
			.isEqualTo(model.rejected);
		for (RecordingFrameSink.Event event : sink.events()) {
			if (!(event.isFrame() && event.payload() instanceof byte[] payload && payload.length == event.size()
					&& payload.length <= max)) {
				fail("%s (max %d): undocumented outcome %s", input, max, event);
			}
		}
		Set<String> seen = new HashSet<>();
		sink.frames().forEach((frame) -> seen.add(frame.length > 0 ? "frame" : "empty-frame"));
		if (rejection != null) {
			seen.add("rejected");
		}
		if (model.incomplete) {
			seen.add("incomplete");
		}
		return seen;
	}

	/**
	 * Content-length framing as documented: header lines up to a blank line, exactly one
	 * {@code Content-Length} (any case, blanks around the value) with a decimal value up
	 * to the maximum, other lines ignored; anything else ends the stream.
	 */
	private static final class ContentLengthModel {

		private final List<String> transcript = new ArrayList<>();

		private boolean rejected;

		private boolean incomplete;

		ContentLengthModel(byte[] stream, int max) {
			String text = new String(stream, java.nio.charset.StandardCharsets.ISO_8859_1);
			int position = 0;
			while (position < stream.length) {
				int end = text.indexOf("\r\n\r\n", position);
				if (end < 0) {
					this.incomplete = true;
					return;
				}
				Long length = length(text.substring(position, end), max);
				if (length == null) {
					this.rejected = true;
					return;
				}
				position = end + 4;
				if (stream.length - position < length) {
					this.incomplete = true;
					return;
				}
				byte[] payload = Arrays.copyOfRange(stream, position, position + length.intValue());
				this.transcript.add("bytes[" + length + "] " + FramingTestSupport.hex(payload));
				position += length.intValue();
			}
		}

		private static Long length(String block, int max) {
			Long length = null;
			for (String line : block.split("\r\n", -1)) {
				int colon = line.indexOf(':');
				if (colon < 0 || !line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
					continue;
				}
				String value = line.substring(colon + 1).strip();
				if (length != null || value.isEmpty() || value.length() > 18
						|| !value.chars().allMatch(Character::isDigit)) {
					return null;
				}
				length = Long.parseLong(value);
			}
			return (length != null && length <= max) ? length : null;
		}

	}

	// Records

	@Test
	void recordsSurviveRandomBytes() throws Exception {
		Random random = new Random(0x5EC0_0001L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			byte[] record = new byte[1 + random.nextInt(2 * max + 2)];
			random.nextBytes(record);
			seen.add(checkRecord(random, record, max, "soup #" + i));
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "oversize-record");
	}

	@Test
	void recordsSurviveMutatedValidRecords() throws Exception {
		Random random = new Random(0x5EC0_0002L);
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < INPUTS; i++) {
			int max = pick(random, MAX_SIZES);
			for (byte[] payload : binaryMessages(random, max, 1)) {
				byte[] record = mutate(random, payload, FramingTestSupport.bytes(0, '\n', 0xff));
				if (record.length > 0) {
					seen.add(checkRecord(random, record, max, "mutated #" + i));
				}
			}
		}
		assertThat(seen).containsExactlyInAnyOrder("frame", "oversize-record");
	}

	@Test
	void recordsComeBackExactlyFromValidRecords() throws Exception {
		Random random = new Random(0x5EC0_0003L);
		for (int i = 0; i < INPUTS / 5; i++) {
			int max = pick(random, MAX_SIZES);
			byte[][] payloads = binaryMessages(random, max, 1);
			FrameDecoder decoder = RecordFraming.INSTANCE.newDecoder(max);
			RecordingFrameSink sink = new RecordingFrameSink();
			Feeder feeder = pick(random, this.feeders);
			for (byte[] payload : payloads) {
				feeder.feedWhole(decoder, FramingTestSupport.encode(RecordFraming.INSTANCE, payload), sink);
			}
			assertThat(sink.frames()).as("valid #%d", i).containsExactly(payloads);
			assertThat(sink.problemTypes()).isEmpty();
		}
	}

	private String checkRecord(Random random, byte[] record, int max, String input) throws Exception {
		RecordingFrameSink sink = new RecordingFrameSink();
		pick(random, this.feeders).feedWhole(RecordFraming.INSTANCE.newDecoder(max), record, sink);
		String expected = (record.length <= max) ? "bytes[" + record.length + "] " + FramingTestSupport.hex(record)
				: "problem oversize-record, dropped";
		assertThat(sink.transcript()).as("%s (max %d)", input, max).containsExactly(expected);
		return (record.length <= max) ? "frame" : "oversize-record";
	}

	// Shared

	private void feedRandomly(Random random, FrameDecoder decoder, byte[] stream, FrameDecoder.FrameSink sink)
			throws FramingException {
		int maxChunk = switch (random.nextInt(4)) {
			case 0 -> 1;
			case 1 -> 3;
			case 2 -> 16;
			default -> Math.max(1, stream.length);
		};
		pick(random, this.feeders).feedRandomly(decoder, stream, random, maxChunk, sink);
	}

	/** Payloads of 0 (or {@code minLength}) to max bytes, most of them small. */
	private static byte[][] binaryMessages(Random random, int max, int minLength) {
		byte[][] messages = new byte[random.nextInt(8)][];
		for (int m = 0; m < messages.length; m++) {
			int length = minLength + random.nextInt(max - minLength + 1);
			if (random.nextInt(4) == 0) {
				length = minLength;
			}
			messages[m] = new byte[length];
			random.nextBytes(messages[m]);
		}
		return messages;
	}

	/** One to three bit flips, truncations, insertions or deletions. */
	private static byte[] mutate(Random random, byte[] valid, byte[] interesting) {
		byte[] bytes = valid.clone();
		int mutations = 1 + random.nextInt(3);
		for (int i = 0; i < mutations; i++) {
			int at = random.nextInt(bytes.length + 1);
			switch (random.nextInt(4)) {
				case 0 -> {
					if (bytes.length > 0) {
						int bit = random.nextInt(bytes.length * 8);
						bytes[bit / 8] ^= (byte) (1 << (bit % 8));
					}
				}
				case 1 -> bytes = Arrays.copyOf(bytes, at);
				case 2 -> {
					byte[] inserted = new byte[1 + random.nextInt(4)];
					for (int j = 0; j < inserted.length; j++) {
						inserted[j] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
								: (byte) random.nextInt(256);
					}
					bytes = FramingTestSupport.concat(Arrays.copyOf(bytes, at), inserted,
							Arrays.copyOfRange(bytes, at, bytes.length));
				}
				default -> {
					if (at < bytes.length) {
						int end = Math.min(bytes.length, at + 1 + random.nextInt(4));
						bytes = FramingTestSupport.concat(Arrays.copyOf(bytes, at),
								Arrays.copyOfRange(bytes, end, bytes.length));
					}
				}
			}
		}
		return bytes;
	}

	private static int pick(Random random, int[] values) {
		return values[random.nextInt(values.length)];
	}

	private static <T> T pick(Random random, T[] values) {
		return values[random.nextInt(values.length)];
	}

}
