package io.github.sidecarchannels.benchmarks;

import java.time.Duration;
import java.util.List;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcs;

/**
 * The starter's JSON-RPC mode through its public API: a {@code json-rpc} sidecar running
 * the {@code rpc-echo.js} child, {@link SidecarRpc#callAsync} with the window in flight
 * and {@link SidecarRpc#call} for round trips, method {@code echo} with
 * {@code {"message": ...}} params. Settings are the defaults apart from protocol and
 * framing.
 */
final class RpcStarterLink extends Link {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final Sidecar sidecar;

	private final SidecarRpc rpc;

	private RpcStarterLink(List<String> child, FramingType framing) {
		SidecarDefinition definition = SidecarDefinition.builder("bench")
			.command(child)
			.protocol(Protocol.JSON_RPC)
			.framing(framing)
			.build();
		this.sidecar = Sidecars.create(definition);
		this.rpc = SidecarRpcs.attach(this.sidecar, SidecarRpcs.defaultMapper());
		this.sidecar.start();
	}

	static Link.Factory factory(FramingType framing, RunnerOptions options) {
		String wire = (framing == FramingType.CONTENT_LENGTH) ? "content-length" : "lines";
		List<String> child = RpcEcho.command(options, wire);
		return (window) -> new RpcStarterLink(child, framing);
	}

	@Override
	Object payload(int size) {
		return new RpcEcho.Message(Payloads.text(size));
	}

	@Override
	void send(Object payload) {
		this.rpc.callAsync("echo", payload, RpcEcho.Message.class, TIMEOUT).whenComplete((reply, failure) -> {
			if (failure != null) {
				this.sink.failed(failure);
			}
			else {
				this.sink.arrived(RpcEcho.size(reply));
			}
		});
	}

	@Override
	void roundTrip(Object payload) throws Exception {
		RpcEcho.Message reply = this.rpc.call("echo", payload, RpcEcho.Message.class, TIMEOUT);
		this.sink.acquire();
		this.sink.arrived(RpcEcho.size(reply));
	}

	@Override
	public void close() {
		SidecarRpcs.close(this.rpc);
		this.sidecar.stop();
	}

}
