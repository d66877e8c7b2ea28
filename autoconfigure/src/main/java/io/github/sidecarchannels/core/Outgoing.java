package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;

/**
 * One accepted message waiting to be written: its payload and, for a request, the reply it awaits.
 */
final class Outgoing {

	/** Tells the writer to flush and half-close the socket. */
	static final Outgoing END_OF_INPUT = new Outgoing(ByteBuffer.allocate(0), null);

	final ByteBuffer payload;

	final PendingRequest request;

	Outgoing(ByteBuffer payload, PendingRequest request) {
		this.payload = payload;
		this.request = request;
	}

}
