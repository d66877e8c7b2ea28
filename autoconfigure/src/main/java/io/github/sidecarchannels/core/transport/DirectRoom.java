package io.github.sidecarchannels.core.transport;

import java.io.IOException;

/**
 * How many bytes a caller can write to the socket now without blocking, as a lower bound.
 * Linux reports an AF_UNIX socket writable while at most a quarter of its send buffer is
 * taken; writes that then charge at most half of it more cannot block. Each write's
 * kernel bookkeeping is charged next to its bytes. Used by one drainer at a time.
 */
final class DirectRoom {

	/**
	 * Kernel bookkeeping charged per socket buffer of a write (observed about 1 KiB; kept
	 * generous).
	 */
	static final int WRITE_OVERHEAD = 4096;

	/** A write is split into kernel buffers of at most this much. */
	private static final int KERNEL_BUFFER = 32 * 1024;

	private final SocketPair socket;

	/** What may be written after the socket was seen writable. */
	private final long afterWritable;

	private long left;

	DirectRoom(SocketPair socket) {
		this.socket = socket;
		this.afterWritable = socket.sendBufferSize() / 2;
		// A new socket is empty.
		this.left = this.afterWritable;
	}

	/**
	 * @param bytes the bytes of one write call
	 * @return what the write costs the send buffer, at most
	 */
	static long cost(long bytes) {
		return bytes + WRITE_OVERHEAD * (1 + bytes / KERNEL_BUFFER);
	}

	/**
	 * @param cost what the writes in question cost, from {@link #cost}
	 * @param mayAsk whether nothing is promised and unwritten, so the socket may be asked
	 * afresh
	 * @return whether they certainly do not block
	 */
	boolean has(long cost, boolean mayAsk) throws IOException {
		if (cost <= this.left) {
			return true;
		}
		if (!mayAsk || cost > this.afterWritable || !this.socket.writableNow()) {
			return false;
		}
		this.left = this.afterWritable;
		return true;
	}

	/** Writes that {@link #has} allowed were made. */
	void use(long cost) {
		this.left -= cost;
	}

	/** Someone else wrote without counting: ask before the next write. */
	void forget() {
		this.left = 0;
	}

}
