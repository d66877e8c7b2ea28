package io.github.sidecarchannels.benchmarks;

/**
 * One running echo path to one child process, from the sending thread's point of view.
 * Replies are reported to {@link #sink} by the system's own delivery thread(s).
 */
// close() waits for the child and the link's threads to end, so it may be interrupted:
// "try" lint
// warns about exactly that, and it is intended.
@SuppressWarnings("try")
abstract class Link implements AutoCloseable {

	final ReplySink sink = new ReplySink();

	/**
	 * @param size payload bytes
	 * @return the payload this system sends for a message of that size ({@code String}
	 * for lines framing, else {@code byte[]}), built once and reused: sending must not
	 * change it
	 */
	Object payload(int size) {
		return Payloads.bytes(size);
	}

	/** Hand one message to the system; returns once the system accepted it. */
	abstract void send(Object payload) throws Exception;

	/**
	 * One blocking round trip. The default goes through {@link #send} and waits for the
	 * reply's permit; systems with a blocking request API override it to use that API.
	 */
	void roundTrip(Object payload) throws Exception {
		this.sink.acquire();
		send(payload);
		this.sink.acquire();
		this.sink.release(1);
	}

	/** Stop the child and every thread of this link; nothing may be left running. */
	@Override
	public abstract void close() throws Exception;

	/**
	 * Opens a fresh link: spawns the child and connects to it.
	 */
	interface Factory {

		/**
		 * @param window the most messages the caller will have in flight (sizes
		 * connection pools)
		 * @return a connected link, ready to echo
		 */
		Link open(int window) throws Exception;

	}

}
