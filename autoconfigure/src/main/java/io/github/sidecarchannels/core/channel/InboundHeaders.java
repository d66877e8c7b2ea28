package io.github.sidecarchannels.core.channel;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.messaging.MessageHeaders;

/**
 * The headers of the messages one child connection delivers: the connection's fixed
 * headers plus an id and a timestamp per message, as every {@code Message} has them.
 * <p>
 * The plain {@code MessageHeaders(Map)} constructor draws every id from one JVM-wide
 * {@code java.util.Random} (two threads reading and sending contend on its seed) and was
 * most of the reading thread's time per small message. Here the id is this connection's
 * random high half plus a counter, the scheme of Spring's own {@code SimpleIdGenerator}
 * with a random prefix, so ids stay unique across connections and JVMs for all practical
 * purposes while costing an increment.
 */
public final class InboundHeaders {

	private final Map<String, Object> fixed;

	private final long idHigh = UUID.randomUUID().getMostSignificantBits();

	private final AtomicLong sequence = new AtomicLong();

	/**
	 * @param fixed the headers every message of the connection carries (not copied: must
	 * not change)
	 */
	public InboundHeaders(Map<String, Object> fixed) {
		this.fixed = fixed;
	}

	/**
	 * @return the headers of the next message, with a fresh id and the current time
	 */
	public MessageHeaders next() {
		return new Headers(this.fixed, new UUID(this.idHigh, this.sequence.incrementAndGet()),
				System.currentTimeMillis());
	}

	/**
	 * Reaches the protected constructor that takes the id and timestamp instead of
	 * generating them.
	 */
	private static final class Headers extends MessageHeaders {

		private static final long serialVersionUID = 1L;

		Headers(Map<String, Object> headers, UUID id, long timestamp) {
			super(headers, id, timestamp);
		}

	}

}
