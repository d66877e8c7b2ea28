package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;

import org.springframework.messaging.Message;

/**
 * One accepted message waiting to be written: its payload and either the request awaiting its reply or
 * the message it came from (to report it if it can never be written).
 */
final class Outgoing {

	/** Tells the writer to flush and half-close the socket. */
	static final Outgoing END_OF_INPUT = new Outgoing(ByteBuffer.allocate(0), null, null);

	final ByteBuffer payload;

	final PendingRequest request;

	final Message<?> message;

	Outgoing(ByteBuffer payload, PendingRequest request, Message<?> message) {
		this.payload = payload;
		this.request = request;
		this.message = message;
	}

}
