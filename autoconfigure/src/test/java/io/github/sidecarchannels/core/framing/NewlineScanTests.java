package io.github.sidecarchannels.core.framing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the eight-bytes-at-a-time newline search of {@link LineFraming}: it must find
 * exactly what a byte-by-byte loop finds, at every alignment, with neighbours that differ
 * from a newline by one bit.
 */
class NewlineScanTests {

	/**
	 * Bytes one bit (or one borrow) away from '\n', which a wrong bit trick would take
	 * for it.
	 */
	private static final byte[] NEAR_MISSES = { 0x0B, 0x08, 0x09, 0x0E, 0x1A, (byte) 0x8A, (byte) 0x8B, 0x00,
			(byte) 0xFF, 0x01, 0x2A, 0x4A };

	@Test
	void findsTheFirstNewlineAtEveryPositionAndRangeStart() {
		for (int length = 0; length <= 40; length++) {
			for (int newline = -1; newline < length; newline++) {
				byte[] array = filled(length, (byte) 'x');
				if (newline >= 0) {
					array[newline] = '\n';
				}
				for (int from = 0; from <= length; from++) {
					assertThat(LineFraming.indexOfNewline(array, from, length))
						.as("length %d, newline at %d, from %d", length, newline, from)
						.isEqualTo(naive(array, from, length));
				}
			}
		}
	}

	@Test
	void bytesNearANewlineAreNotNewlines() {
		for (byte near : NEAR_MISSES) {
			for (int length = 1; length <= 24; length++) {
				byte[] array = filled(length, near);
				assertThat(LineFraming.indexOfNewline(array, 0, length)).as("all 0x%02x", near).isEqualTo(-1);
				for (int newline = 0; newline < length; newline++) {
					array[newline] = '\n';
					assertThat(LineFraming.indexOfNewline(array, 0, length))
						.as("0x%02x around a newline at %d of %d", near, newline, length)
						.isEqualTo(newline);
					array[newline] = near;
				}
			}
		}
	}

	@Test
	void agreesWithAByteLoopOnRandomTextWithFewNewlines() {
		SplittableRandom random = new SplittableRandom(42);
		for (int round = 0; round < 2_000; round++) {
			byte[] array = new byte[random.nextInt(1, 300)];
			for (int i = 0; i < array.length; i++) {
				array[i] = (random.nextInt(64) == 0) ? (byte) '\n' : (byte) random.nextInt(256);
			}
			int from = random.nextInt(array.length);
			int to = random.nextInt(from, array.length + 1);
			assertThat(LineFraming.indexOfNewline(array, from, to)).isEqualTo(naive(array, from, to));
		}
	}

	@Test
	void heapBufferWithAnArrayOffsetReportsBufferIndices() {
		byte[] backing = "ab\ncdefghijklmnop\nq".getBytes();
		ByteBuffer slice = ByteBuffer.wrap(backing, 3, backing.length - 3).slice();
		assertThat(LineFraming.indexOfNewline(slice)).isEqualTo(14);
		slice.position(15);
		assertThat(LineFraming.indexOfNewline(slice)).isEqualTo(-1);
	}

	private static byte[] filled(int length, byte value) {
		byte[] array = new byte[length];
		Arrays.fill(array, value);
		return array;
	}

	private static int naive(byte[] array, int from, int to) {
		for (int i = from; i < to; i++) {
			if (array[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

}
