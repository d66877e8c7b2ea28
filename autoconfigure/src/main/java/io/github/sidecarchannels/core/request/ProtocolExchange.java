package io.github.sidecarchannels.core.request;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

import io.github.sidecarchannels.core.metrics.SidecarMetrics;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * What a sidecar offers a protocol layer on top of it (JSON-RPC): it sees every frame
 * from the child first, sends id-correlated requests, and hands back what it cannot
 * place. Implemented by the sidecars {@link io.github.sidecarchannels.core.Sidecars}
 * creates for the {@code json-rpc} protocol.
 */
public interface ProtocolExchange {

	/**
	 * Route every frame from the child to the router instead of the inbound channel. Set
	 * before start.
	 * @param router gets each frame on the reading thread; must not block
	 */
	void routeFrames(Consumer<Message<?>> router);

	/**
	 * Send a request whose response will carry {@code id}.
	 * @param id the id, unique among the calls in flight
	 * @param method the method, for meters
	 * @param payload the encoded request
	 * @param timeout the most time for queueing and the response together
	 * @return the call, whose future gives the response frame, or a failure as
	 * {@code Sidecar.requestAsync} gives
	 */
	PendingRequest call(long id, String method, ByteBuffer payload, Duration timeout);

	/**
	 * @param id the id a response carries
	 * @param response the response frame
	 * @param error whether it is an error response (counted as such)
	 * @return whether a call was waiting for it
	 */
	boolean complete(long id, Message<?> response, boolean error);

	/**
	 * Stop waiting for a call's response (its caller cancelled): its slot is free at
	 * once, and a late response to it is unmatched.
	 * @param call the call
	 * @param cause what the call fails with, if it still waits
	 */
	void abandon(PendingRequest call, RuntimeException cause);

	/**
	 * @param message a message for the inbound channel's subscribers (reported when there
	 * are none)
	 */
	void deliverInbound(Message<?> message);

	/**
	 * Count and report a message from the child that could not be placed.
	 * @param type the {@code type} tag of {@code sidecar.errors}
	 * @param description what was wrong, naming the sidecar
	 * @param message the message, as received
	 */
	void reportInbound(String type, String description, Message<?> message);

	/**
	 * Count and report an outbound message that could not be sent.
	 * @param type the {@code type} tag of {@code sidecar.errors}
	 * @param description what was wrong, naming the sidecar
	 * @param cause why
	 */
	void reportOutbound(String type, String description, RuntimeException cause);

	/**
	 * The child signalled readiness (e.g. the JSON-RPC notification {@code $/ready}):
	 * with {@code startup.ready: message} the sidecar starts writing to it; otherwise
	 * nothing happens.
	 * @param frame the frame that signalled it, as routed (its headers name the instance)
	 */
	void ready(Message<?> frame);

	/**
	 * @param ping asks the child behind the given exchange (one instance) for a sign of
	 * life (json-rpc: calls {@code $/ping}); run by the heartbeat on a thread of its own
	 * when a running child has been silent for {@code heartbeat.interval}
	 */
	void pingWith(Consumer<ProtocolExchange> ping);

	/**
	 * @param frame a frame from the child
	 * @return where an answer to it goes: the child that sent it (in a pool, its
	 * instance)
	 */
	MessageChannel replyChannel(Message<?> frame);

	/**
	 * @param call a call made through {@link #call}
	 * @return where a message about it (its cancellation) goes: the child it was given to
	 * (in a pool, the instance holding it, which may have taken it over from another)
	 */
	MessageChannel channelFor(PendingRequest call);

	/**
	 * @return where the protocol layer's meters go
	 */
	SidecarMetrics metrics();

}
