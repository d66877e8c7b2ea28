package io.github.sidecarchannels.core.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;

/**
 * Turns one child's stderr bytes, fed in chunks as they arrive, into lines for the
 * sidecar's logger and keeps the last lines for error messages. A line longer than
 * {@link #MAX_LINE} bytes is logged once, cut to that size with a note of its full
 * length: the rest is counted, not kept, so a child that never prints a newline cannot
 * flood the log. Used by one thread at a time (the {@link StderrPoller}); the tail may be
 * read from any thread through {@link #snapshot}.
 */
public final class StderrLines {

	static final int MAX_LINE = 8 * 1024;

	static final int TAIL_LINES = 50;

	private final Logger logger;

	private final Deque<String> tail;

	private final byte[] line = new byte[MAX_LINE];

	private int lineLength;

	/**
	 * The bytes of the current line, including those past {@link #MAX_LINE} that were
	 * dropped.
	 */
	private long fullLength;

	/**
	 * @param logger where lines go
	 * @param tail keeps the last lines, see {@link #newTail()}
	 */
	public StderrLines(Logger logger, Deque<String> tail) {
		this.logger = logger;
		this.tail = tail;
	}

	/**
	 * @return an empty tail
	 */
	public static Deque<String> newTail() {
		return new ArrayDeque<>(TAIL_LINES);
	}

	/**
	 * @param tail a tail being filled
	 * @return its lines now
	 */
	public static List<String> snapshot(Deque<String> tail) {
		synchronized (tail) {
			return new ArrayList<>(tail);
		}
	}

	/**
	 * Take the next bytes; every complete line among them is logged and tailed.
	 * @param chunk the bytes, which the caller may reuse afterwards
	 * @param length how many of them count, from the start
	 */
	void accept(byte[] chunk, int length) {
		for (int i = 0; i < length; i++) {
			accept(chunk[i]);
		}
	}

	/**
	 * End of stderr: a last line without its newline still counts.
	 */
	void finish() {
		if (this.fullLength > 0) {
			endLine();
		}
	}

	private void accept(byte b) {
		if (b == '\n') {
			endLine();
			return;
		}
		this.fullLength++;
		if (this.lineLength < MAX_LINE) {
			this.line[this.lineLength++] = b;
		}
	}

	/**
	 * Tailed before it is logged: a logger that throws must not cost the error message
	 * its line, nor stop the poller that reads every child's stderr.
	 */
	private void endLine() {
		int length = this.lineLength;
		if (length > 0 && this.line[length - 1] == '\r') {
			length--;
		}
		String text = new String(this.line, 0, length, StandardCharsets.UTF_8);
		if (this.fullLength > MAX_LINE) {
			text += " [line truncated: " + this.fullLength + " bytes in total, the first " + MAX_LINE + " logged]";
		}
		this.lineLength = 0;
		this.fullLength = 0;
		synchronized (this.tail) {
			if (this.tail.size() == TAIL_LINES) {
				this.tail.removeFirst();
			}
			this.tail.addLast(text);
		}
		try {
			this.logger.info(text);
		}
		catch (RuntimeException ex) {
			// The line is in the tail; the next one tries the logger again.
		}
	}

}
