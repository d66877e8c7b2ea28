package io.github.sidecarchannels.core.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.sidecarchannels.core.request.PendingRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;

/**
 * One accepted message waiting to be written: its encoded payload and either the request
 * awaiting its reply or the headers of the message it came from. The payload is held
 * once, as bytes; a message that can never be delivered is rebuilt from them to be
 * reported.
 */
public final class Outgoing {

	/** Tells the writer to flush and half-close the socket. */
	public static final Outgoing END_OF_INPUT = new Outgoing(ByteBuffer.allocate(0), (PendingRequest) null);

	/**
	 * @return whether it is a marker for the writer rather than a message: never
	 * delivered, moved or reported
	 */
	public boolean isMarker() {
		return this == END_OF_INPUT;
	}

	/** The payload's bytes, not consumed by writing. */
	public final ByteBuffer payload;

	/** The request awaiting the reply, or {@code null} for a plain message. */
	public final @Nullable PendingRequest request;

	private final @Nullable MessageHeaders headers;

	private final boolean text;

	/**
	 * A request.
	 * @param payload the bytes to write
	 * @param request the request awaiting the reply, or {@code null}
	 */
	public Outgoing(ByteBuffer payload, @Nullable PendingRequest request) {
		this.payload = payload;
		this.request = request;
		this.headers = null;
		this.text = false;
	}

	/**
	 * A plain message: only its headers are kept next to the bytes.
	 * @param payload the bytes to write
	 * @param message the message they were encoded from
	 */
	public Outgoing(ByteBuffer payload, Message<?> message) {
		this.payload = payload;
		this.request = null;
		this.headers = message.getHeaders();
		this.text = message.getPayload() instanceof String;
	}

	/**
	 * @param name a header name
	 * @return that header of the message it came from, or {@code null} (always for a
	 * request)
	 */
	public @Nullable Object header(String name) {
		return (this.headers != null) ? this.headers.get(name) : null;
	}

	/**
	 * @return the payload's length in bytes
	 */
	public int size() {
		return this.payload.remaining();
	}

	/**
	 * @return the message as accepted, rebuilt from its bytes and headers (a
	 * {@code String} payload as a {@code String}, any other as {@code byte[]}), or
	 * {@code null} for a request
	 */
	public @Nullable Message<?> message() {
		if (this.headers == null) {
			return null;
		}
		byte[] bytes = new byte[this.payload.remaining()];
		this.payload.duplicate().get(bytes);
		Object rebuilt = this.text ? new String(bytes, StandardCharsets.UTF_8) : bytes;
		return new GenericMessage<>(rebuilt, this.headers);
	}

}
