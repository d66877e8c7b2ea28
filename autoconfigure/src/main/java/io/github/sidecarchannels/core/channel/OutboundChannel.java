package io.github.sidecarchannels.core.channel;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.transport.Outgoing;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;

/**
 * The application-to-child channel: converts the payload, then queues it for the writer.
 */
public final class OutboundChannel implements MessageChannel {

	private final String sidecarName;

	private final Payloads payloads;

	private final Acceptor acceptor;

	/**
	 * @param sidecarName the sidecar's name
	 * @param payloads converts and checks payloads
	 * @param acceptor queues converted messages
	 */
	public OutboundChannel(String sidecarName, Payloads payloads, Acceptor acceptor) {
		this.sidecarName = sidecarName;
		this.payloads = payloads;
		this.acceptor = acceptor;
	}

	@Override
	public boolean send(Message<?> message) {
		return send(message, INDEFINITE_TIMEOUT);
	}

	@Override
	public boolean send(Message<?> message, long timeout) {
		if (message == null) {
			throw new IllegalArgumentException("Sidecar '" + this.sidecarName + "': the message must not be null");
		}
		ByteBuffer bytes = this.payloads.toBytes(message.getPayload(), message);
		try {
			long nanos = (timeout < 0) ? -1 : TimeUnit.MILLISECONDS.toNanos(timeout);
			return this.acceptor.accept(new Outgoing(bytes, message), nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException(message,
					"Sidecar '" + this.sidecarName + "': interrupted while waiting for room in the outbound buffer");
		}
	}

	@Override
	public String toString() {
		return "sidecar." + this.sidecarName + ".outbound";
	}

	/**
	 * Takes converted messages into the sidecar's bounded outbound buffer.
	 */
	@FunctionalInterface
	public interface Acceptor {

		/**
		 * @param message the converted message
		 * @param timeoutNanos how long to wait for room; negative to wait as long as it
		 * takes
		 * @return false if no room freed up in time
		 * @throws InterruptedException if interrupted while waiting
		 */
		boolean accept(Outgoing message, long timeoutNanos) throws InterruptedException;

	}

}
