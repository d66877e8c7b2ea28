package io.github.sidecarchannels.rpc;

import java.time.Duration;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.GenericMessage;

/**
 * Sends what the application answers or announces. While a frame is being routed (on the
 * reading thread) it never blocks: a full outbound buffer is reported rather than waited
 * for, so the reader keeps draining the child.
 */
final class Responder {

	private static final ThreadLocal<Boolean> ROUTING = ThreadLocal.withInitial(() -> false);

	private final Sidecar sidecar;

	private final ProtocolExchange exchange;

	private final JsonRpcMessages messages;

	private final Duration timeout;

	Responder(Sidecar sidecar, ProtocolExchange exchange, JsonRpcMessages messages, Duration timeout) {
		this.sidecar = sidecar;
		this.exchange = exchange;
		this.messages = messages;
		this.timeout = timeout;
	}

	/** Run {@code routing} as the reading thread: sends from it do not block. */
	static void routing(Runnable routing) {
		ROUTING.set(true);
		try {
			routing.run();
		}
		finally {
			ROUTING.remove();
		}
	}

	/**
	 * A response the child waits for; one too large to send becomes an error response.
	 * @param response the response
	 * @param frame the frame with the call: the response goes to the child (instance)
	 * that sent it
	 */
	void respond(JsonNode response, Message<?> frame) {
		MessageChannel target = this.exchange.replyChannel(frame);
		try {
			send(response, target);
		}
		catch (MessageDeliveryException ex) {
			if (response.has("result")) {
				JsonNode error = this.messages.error(response.get("id"), JsonRpcErrorException.INTERNAL_ERROR,
						"the result cannot be sent: " + ex.getMessage(), null);
				try {
					send(error, target);
				}
				catch (MessageDeliveryException again) {
					again.addSuppressed(ex);
					report(error, again);
				}
			}
			else {
				report(response, ex);
			}
		}
	}

	/** A notification or cancellation, best effort: what cannot go is reported. */
	void trySend(JsonNode message, RuntimeException why) {
		trySend(message, this.sidecar.outbound(), why);
	}

	/** The same, to one child: in a pool, the instance a call went to. */
	void trySend(JsonNode message, MessageChannel child, RuntimeException why) {
		try {
			send(message, child);
		}
		catch (MessageDeliveryException ex) {
			ex.addSuppressed(why);
			report(message, ex);
		}
	}

	/**
	 * @throws MessageDeliveryException if it cannot be sent or the outbound buffer stays
	 * full
	 */
	void send(JsonNode message) {
		send(message, this.sidecar.outbound());
	}

	private void send(JsonNode message, MessageChannel target) {
		GenericMessage<byte[]> bytes;
		try {
			bytes = new GenericMessage<>(this.messages.bytes(message).array());
		}
		catch (JacksonException ex) {
			throw new MessageDeliveryException(
					"Sidecar '" + this.sidecar.name() + "': cannot write as JSON: " + ex.getOriginalMessage());
		}
		long wait = ROUTING.get() ? 0 : this.timeout.toMillis();
		if (!target.send(bytes, wait)) {
			throw new MessageDeliveryException(bytes, "Sidecar '" + this.sidecar.name() + "': the outbound buffer "
					+ "stayed full" + (ROUTING.get() ? " (the reading thread does not wait)" : " for " + this.timeout));
		}
	}

	private void report(JsonNode message, RuntimeException cause) {
		this.exchange.reportOutbound("unsent", "Sidecar '" + this.sidecar.name() + "': could not send "
				+ abbreviate(message.toString()) + ": " + cause.getMessage(), cause);
	}

	static String abbreviate(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

}
