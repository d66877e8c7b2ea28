package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;

/**
 * The application-to-child channel: converts the payload, then queues it for the writer.
 */
final class OutboundChannel implements MessageChannel {

	private final DefaultSidecar sidecar;

	OutboundChannel(DefaultSidecar sidecar) {
		this.sidecar = sidecar;
	}

	@Override
	public boolean send(Message<?> message) {
		return send(message, INDEFINITE_TIMEOUT);
	}

	@Override
	public boolean send(Message<?> message, long timeout) {
		ByteBuffer bytes = this.sidecar.payloads().toBytes(message.getPayload(), message);
		try {
			long nanos = (timeout < 0) ? -1 : TimeUnit.MILLISECONDS.toNanos(timeout);
			return this.sidecar.accept(new Outgoing(bytes, null, message), nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException(message,
					"Sidecar '" + this.sidecar.name() + "': interrupted while waiting for room in the outbound buffer");
		}
	}

	@Override
	public String toString() {
		return "sidecar." + this.sidecar.name() + ".outbound";
	}

}
