package io.github.sidecarchannels.core.transport;

import java.util.function.Supplier;

/**
 * Marks a caller that will wait for the reply to what it sends, such as a blocking
 * {@code request} or JSON-RPC {@code call}: it writes its message itself when the socket
 * has room, since its thread has nothing else to do until the answer comes, and the round
 * trip saves a hand-off to the writer thread. Callers that go on working leave the write
 * to the writer thread, which also joins messages sent close together into one write.
 */
public final class WaitingCaller {

	private static final ThreadLocal<Boolean> waiting = new ThreadLocal<>();

	private WaitingCaller() {
	}

	/**
	 * @param send sends the message whose reply the caller then waits for
	 * @param <T> what sending returns
	 * @return what {@code send} returned
	 */
	public static <T> T sends(Supplier<T> send) {
		if (waiting.get() != null) {
			return send.get();
		}
		waiting.set(Boolean.TRUE);
		try {
			return send.get();
		}
		finally {
			waiting.remove();
		}
	}

	/**
	 * @return whether the current thread sends inside {@link #sends}
	 */
	static boolean isWaiting() {
		return waiting.get() != null;
	}

}
