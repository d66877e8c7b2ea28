package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;

/**
 * Turns outbound payloads into bytes, checking type and size before anything is queued.
 */
final class Payloads {

	private final String sidecarName;

	private final Framing framing;

	private final int maxMessageSize;

	Payloads(String sidecarName, Framing framing, int maxMessageSize) {
		this.sidecarName = sidecarName;
		this.framing = framing;
		this.maxMessageSize = maxMessageSize;
	}

	ByteBuffer toBytes(Object payload, Message<?> message) {
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

	private ByteBuffer convert(Object payload, Message<?> message) {
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

	MessageDeliveryException reject(Message<?> message, String reason) {
		String text = "Sidecar '" + this.sidecarName + "': " + reason;
		return (message != null) ? new MessageDeliveryException(message, text) : new MessageDeliveryException(text);
	}

}
