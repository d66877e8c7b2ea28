package io.github.sidecarchannels.core.transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The messages written recently enough that the child may not have read them yet, each
 * with the position in the byte stream where its frame ends. Bounded by the bytes the
 * socket can hold: a frame that ended more than that many bytes before the last one has
 * certainly been read.
 * <p>
 * Once the child is gone, the bytes it never read tell which of these messages it never
 * read.
 */
final class WrittenLog {

	private final long window;

	private final Deque<Entry> entries = new ArrayDeque<>();

	/**
	 * @param window the most bytes the socket can hold unread (send buffer plus the
	 * peer's receive buffer)
	 */
	WrittenLog(long window) {
		this.window = window;
	}

	synchronized void written(Outgoing message, long frameEnd) {
		this.entries.addLast(new Entry(message, frameEnd));
		while (this.entries.size() > this.window || frameEnd - this.entries.getFirst().frameEnd() >= this.window) {
			this.entries.removeFirst();
		}
	}

	/**
	 * @param consumed the stream position up to which the child read
	 * @return the messages whose frames end after it, in order; a frame read in part
	 * counts as unread
	 */
	synchronized List<Outgoing> unreadAfter(long consumed) {
		List<Outgoing> unread = new ArrayList<>();
		for (Entry entry : this.entries) {
			if (entry.frameEnd() > consumed) {
				unread.add(entry.message());
			}
		}
		this.entries.clear();
		return unread;
	}

	private record Entry(Outgoing message, long frameEnd) {

	}

}
