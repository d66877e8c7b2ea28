package io.github.sidecarchannels.core.transport;

import java.nio.ByteBuffer;

import io.github.sidecarchannels.core.request.PendingRequest;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

/**
 * One accepted message waiting to be written: its payload and either the request awaiting its reply or
 * the message it came from (to report it if it can never be written).
 */
public final class Outgoing {

	/** Tells the writer to flush and half-close the socket. */
	public static final Outgoing END_OF_INPUT = new Outgoing(ByteBuffer.allocate(0), null, null);

	/** The payload's bytes, not consumed by writing. */
	public final ByteBuffer payload;

	/** The request awaiting the reply, or {@code null} for a plain message. */
	public final @Nullable PendingRequest request;

	/** The message it came from, or {@code null} for a request. */
	public final @Nullable Message<?> message;

	/**
	 * @param payload the bytes to write
	 * @param request the request awaiting the reply, or {@code null}
	 * @param message the message it came from, or {@code null}
	 */
	public Outgoing(ByteBuffer payload, @Nullable PendingRequest request, @Nullable Message<?> message) {
		this.payload = payload;
		this.request = request;
		this.message = message;
	}

}
