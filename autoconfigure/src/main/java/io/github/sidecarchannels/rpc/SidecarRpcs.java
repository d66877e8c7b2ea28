package io.github.sidecarchannels.rpc;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the {@link SidecarRpc} of a {@code json-rpc} sidecar; Spring Boot does it for
 * every one as the bean {@code sidecar.NAME.rpc}. Attach it before the sidecar starts, so
 * nothing the child sends first is missed.
 */
public final class SidecarRpcs {

	private SidecarRpcs() {
	}

	/**
	 * @param sidecar a sidecar created by {@link io.github.sidecarchannels.core.Sidecars}
	 * with protocol json-rpc
	 * @param mapper reads and writes the JSON (its modules and naming strategy apply to
	 * params and results)
	 * @return the sidecar's JSON-RPC side; from now on it sees every frame the child
	 * sends
	 * @throws SidecarConfigurationException if the sidecar's protocol is not json-rpc
	 */
	public static SidecarRpc attach(Sidecar sidecar, JsonMapper mapper) {
		if (sidecar.definition().protocol() != Protocol.JSON_RPC) {
			throw new SidecarConfigurationException(sidecar.name(), "protocol",
					"JSON-RPC calls need protocol json-rpc, but the sidecar uses "
							+ sidecar.definition().protocol().wireName());
		}
		if (!(sidecar instanceof ProtocolExchange exchange)) {
			throw new IllegalArgumentException("Sidecar '" + sidecar.name() + "' is a " + sidecar.getClass().getName()
					+ ", not a sidecar created by Sidecars; JSON-RPC cannot attach to it");
		}
		return new JsonRpcPeer(sidecar, exchange, mapper);
	}

	/**
	 * @return a mapper configured like Spring Boot's own: unknown properties are ignored,
	 * so the results of real servers bind to records that name only what they need
	 */
	public static JsonMapper defaultMapper() {
		return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
	}

	/**
	 * Stop the handler threads of a {@link SidecarRpc} made by {@link #attach}.
	 * @param rpc the rpc
	 */
	public static void close(SidecarRpc rpc) {
		if (rpc instanceof JsonRpcPeer peer) {
			peer.close();
		}
	}

}
