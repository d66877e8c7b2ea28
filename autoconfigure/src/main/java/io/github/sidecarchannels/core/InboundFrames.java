package io.github.sidecarchannels.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.channel.InboundHeaders;
import io.github.sidecarchannels.core.channel.SidecarChannel;
import io.github.sidecarchannels.core.framing.FrameDecoder;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.supervision.Supervisor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.GenericMessage;

/**
 * Where every decoded frame of a sidecar's children goes: a sign of life for the
 * heartbeat; in raw mode the ready message, a reply to its request, or else a message on
 * the inbound channel; in json-rpc mode everything to the protocol layer's router.
 */
final class InboundFrames implements FrameDecoder.FrameSink {

	private static final Logger logger = LoggerFactory.getLogger(InboundFrames.class);

	private final SidecarDefinition definition;

	private final SidecarMetrics metrics;

	private final RequestCorrelation correlation;

	private final SidecarChannel inbound;

	private final Supplier<Supervisor.@Nullable Child> currentChild;

	/**
	 * Built once per child: its fixed headers, plus an id and a timestamp per message.
	 */
	private volatile InboundHeaders headers = new InboundHeaders(Map.of());

	/** The protocol layer that sees every frame first, if one is attached. */
	private volatile @Nullable Consumer<Message<?>> router;

	InboundFrames(SidecarDefinition definition, SidecarMetrics metrics, RequestCorrelation correlation,
			SidecarChannel inbound, Supplier<Supervisor.@Nullable Child> currentChild) {
		this.definition = definition;
		this.metrics = metrics;
		this.correlation = correlation;
		this.inbound = inbound;
		this.currentChild = currentChild;
	}

	/** A new child is connected: its messages carry its pid. */
	void connected(long pid) {
		this.headers = new InboundHeaders(Map.of(Sidecar.NAME_HEADER, this.definition.name(), Sidecar.PID_HEADER, pid,
				Sidecar.INSTANCE_HEADER, this.definition.instance()));
	}

	void routeFrames(Consumer<Message<?>> router) {
		this.router = router;
	}

	@Override
	public void frame(Object payload, int size) {
		this.metrics.received(size);
		ProcessChild child = processChild();
		if (child != null) {
			child.heard();
		}
		Consumer<Message<?>> router = this.router;
		if (router == null && child != null && isReadyMessage(child, payload)) {
			child.ready();
			return;
		}
		Message<Object> message = new GenericMessage<>(payload, this.headers.next());
		if (router != null) {
			router.accept(message);
		}
		else if (!this.correlation.complete(message)) {
			this.inbound.send(message);
		}
	}

	/**
	 * In raw mode, the child that is still to signal readiness does so with the ready
	 * message.
	 */
	private boolean isReadyMessage(ProcessChild child, Object payload) {
		if (!child.isAwaitingReady()) {
			return false;
		}
		String expected = this.definition.readyMessage();
		return (payload instanceof byte[] bytes) ? Arrays.equals(bytes, expected.getBytes(StandardCharsets.UTF_8))
				: expected.equals(payload);
	}

	/** The current child signalled readiness: it is written to from now on. */
	void becomeReady() {
		ProcessChild child = processChild();
		if (child != null) {
			child.ready();
		}
	}

	private @Nullable ProcessChild processChild() {
		return (this.currentChild.get() instanceof ProcessChild child) ? child : null;
	}

	/**
	 * A dropped frame still answered something: it fails the oldest request, so later
	 * replies keep lining up with their own requests.
	 */
	@Override
	public void problem(String type, String description, boolean frameDropped) {
		this.metrics.error(type);
		logger.warn("Sidecar '{}': {}", this.definition.name(), description);
		if (frameDropped) {
			this.correlation.failOldest(new MessageDeliveryException(
					"Sidecar '" + this.definition.name() + "': the reply was dropped: " + description));
		}
	}

}
