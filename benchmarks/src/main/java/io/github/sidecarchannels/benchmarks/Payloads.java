package io.github.sidecarchannels.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Benchmark payloads: ASCII 'x' (valid in every framing, no newline for lines), and their
 * sizes.
 */
final class Payloads {

	private Payloads() {
	}

	static byte[] bytes(int size) {
		byte[] bytes = new byte[size];
		Arrays.fill(bytes, (byte) 'x');
		return bytes;
	}

	static String text(int size) {
		return new String(bytes(size), StandardCharsets.US_ASCII);
	}

	/**
	 * @return the size in bytes of an echoed payload (ASCII strings: one byte per char)
	 */
	static int size(Object payload) {
		if (payload instanceof byte[] bytes) {
			return bytes.length;
		}
		if (payload instanceof String text) {
			return text.length();
		}
		throw new IllegalStateException("unexpected reply payload type " + payload.getClass().getName());
	}

}
