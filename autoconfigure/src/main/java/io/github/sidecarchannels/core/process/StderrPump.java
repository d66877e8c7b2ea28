package io.github.sidecarchannels.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;

/**
 * Copies a child's stderr, line by line, to the sidecar's logger and keeps the last lines
 * for error messages. A line longer than {@link #MAX_LINE} bytes is logged once, cut to
 * that size with a note of its full length: the rest is counted, not kept, so a child
 * that never prints a newline cannot flood the log.
 */
public final class StderrPump implements Runnable {

	static final int MAX_LINE = 8 * 1024;

	static final int TAIL_LINES = 50;

	private final InputStream stderr;

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
	 * @param stderr the child's stderr pipe
	 * @param logger where lines go
	 * @param tail keeps the last lines
	 */
	public StderrPump(InputStream stderr, Logger logger, Deque<String> tail) {
		this.stderr = stderr;
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

	@Override
	public void run() {
		byte[] chunk = new byte[4096];
		try (InputStream in = this.stderr) {
			int read;
			while ((read = in.read(chunk)) >= 0) {
				for (int i = 0; i < read; i++) {
					accept(chunk[i]);
				}
			}
		}
		catch (IOException ex) {
			// The pipe closes when the child and its descendants are gone: nothing more
			// to copy.
		}
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
		this.logger.info(text);
		synchronized (this.tail) {
			if (this.tail.size() == TAIL_LINES) {
				this.tail.removeFirst();
			}
			this.tail.addLast(text);
		}
	}

}
