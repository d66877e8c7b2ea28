package io.github.sidecarchannels.benchmarks;

import java.time.Duration;
import java.util.List;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.core.Transport;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;

/**
 * The starter through its public API only: {@link Sidecars#create},
 * {@link Sidecar#start()}, then either the channels (send on {@code outbound()}, count on
 * an {@code inbound()} subscriber) or the request API ({@code requestAsync} pipelined,
 * {@code request} for round trips). Settings are the defaults (1 MiB max-message-size,
 * stdio socket, outbound capacity and max-in-flight 1024), as an application would have
 * them.
 */
final class StarterLink extends Link {

	/** Which side of the public API carries the messages. */
	enum Api {

		/** {@code outbound().send(...)} and an {@code inbound()} subscriber. */
		CHANNELS,

		/**
		 * {@code requestAsync(...)} with a window, {@code request(...)} for round trips.
		 */
		REQUESTS

	}

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final Api api;

	private final boolean text;

	private final Sidecar sidecar;

	private StarterLink(Api api, Transport transport, FramingType framing, List<String> seqecho) {
		this.api = api;
		this.text = transport == Transport.STREAM && framing == FramingType.LINES;
		// Same children as every other system: cat for stream framings, the C record echo
		// for seqpacket.
		List<String> child = (transport == Transport.SEQPACKET) ? seqecho : List.of("cat");
		SidecarDefinition definition = SidecarDefinition.builder("bench")
			.command(child)
			.transport(transport)
			.framing(framing)
			.build();
		this.sidecar = Sidecars.create(definition);
		if (api == Api.CHANNELS) {
			this.sidecar.inbound().subscribe((message) -> this.sink.arrived(Payloads.size(message.getPayload())));
		}
		this.sidecar.start();
	}

	static Link.Factory factory(Api api, Transport transport, FramingType framing, RunnerOptions options) {
		List<String> seqecho = options.helperChild("seqecho");
		return (window) -> new StarterLink(api, transport, framing, seqecho);
	}

	@Override
	Object payload(int size) {
		return this.text ? Payloads.text(size) : Payloads.bytes(size);
	}

	@Override
	void send(Object payload) {
		if (this.api == Api.CHANNELS) {
			this.sidecar.outbound().send(new GenericMessage<>(payload));
		}
		else {
			this.sidecar.requestAsync(payload, TIMEOUT).whenComplete((reply, failure) -> {
				if (failure != null) {
					this.sink.failed(failure);
				}
				else {
					this.sink.arrived(Payloads.size(reply.getPayload()));
				}
			});
		}
	}

	@Override
	void roundTrip(Object payload) throws Exception {
		if (this.api == Api.CHANNELS) {
			super.roundTrip(payload);
			return;
		}
		Message<?> reply = this.sidecar.request(payload, TIMEOUT);
		this.sink.acquire();
		this.sink.arrived(Payloads.size(reply.getPayload()));
	}

	@Override
	public void close() {
		this.sidecar.stop();
	}

}
