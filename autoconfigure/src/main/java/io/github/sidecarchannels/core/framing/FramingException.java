package io.github.sidecarchannels.core.framing;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The child broke the framing so badly that the stream is out of sync and the connection
 * must end.
 */
public class FramingException extends IOException {

	private static final long serialVersionUID = 1L;

	FramingException(String message) {
		super(message);
	}

	static String hexPrefix(ByteBuffer bytes, int max) {
		StringBuilder hex = new StringBuilder();
		int end = Math.min(bytes.limit(), bytes.position() + max);
		for (int i = bytes.position(); i < end; i++) {
			hex.append(String.format("%02x", bytes.get(i) & 0xff));
			if (i + 1 < end) {
				hex.append(' ');
			}
		}
		return hex.toString();
	}

}
