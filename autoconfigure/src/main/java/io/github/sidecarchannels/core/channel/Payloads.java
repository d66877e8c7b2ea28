package io.github.sidecarchannels.core.channel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.sidecarchannels.core.framing.Framing;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;

/**
 * Turns outbound payloads into bytes, checking type and size before anything is queued.
 */
public final class Payloads {

	private final String sidecarName;

	private final Framing framing;

	private final int maxMessageSize;

	/**
	 * @param sidecarName for messages
	 * @param framing rejects what it cannot carry
	 * @param maxMessageSize the largest payload
	 */
	public Payloads(String sidecarName, Framing framing, int maxMessageSize) {
		this.sidecarName = sidecarName;
		this.framing = framing;
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * @param payload {@code byte[]}, {@code String} or {@code ByteBuffer}
	 * @param message the message it came from, or {@code null} for a request
	 * @return its bytes
	 * @throws MessageDeliveryException naming what is wrong with it
	 */
	public ByteBuffer toBytes(@Nullable Object payload, @Nullable Message<?> message) {
		ByteBuffer bytes = convert(payload, message);
		if (bytes.remaining() > this.maxMessageSize) {
			throw reject(message, "the payload is " + bytes.remaining() + " bytes, more than max-message-size ("
					+ this.maxMessageSize + " bytes); raise max-message-size or send smaller messages");
		}
		String reason = this.framing.rejectionReason(bytes);
		if (reason != null) {
			throw reject(message, reason);
		}
		return bytes;
	}

	private ByteBuffer convert(@Nullable Object payload, @Nullable Message<?> message) {
		if (payload instanceof byte[] array) {
			return ByteBuffer.wrap(array);
		}
		if (payload instanceof String text) {
			return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
		}
		if (payload instanceof ByteBuffer buffer) {
			return buffer.duplicate();
		}
		if (payload == null) {
			throw reject(message, "the payload is null");
		}
		throw reject(message, "cannot send a payload of type " + payload.getClass().getName()
				+ "; send byte[], String or ByteBuffer (convert objects to JSON first)");
	}

	/**
	 * @param message the message refused, or {@code null}
	 * @param reason why
	 * @return an exception that names the sidecar
	 */
	public MessageDeliveryException reject(@Nullable Message<?> message, String reason) {
		String text = "Sidecar '" + this.sidecarName + "': " + reason;
		return (message != null) ? new MessageDeliveryException(message, text) : new MessageDeliveryException(text);
	}

}
