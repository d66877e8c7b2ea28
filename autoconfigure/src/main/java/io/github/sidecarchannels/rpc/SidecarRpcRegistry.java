package io.github.sidecarchannels.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link SidecarRpc} of every {@code json-rpc} sidecar of a registry, attached when
 * it is created (before the sidecars start). Spring Boot registers one as
 * {@code sidecarRpcRegistry}; the {@code sidecar.NAME.rpc} beans come from it.
 */
public final class SidecarRpcRegistry implements AutoCloseable {

	private final Map<String, SidecarRpc> rpcs = new LinkedHashMap<>();

	/**
	 * @param sidecars the sidecars; those with protocol json-rpc get a {@link SidecarRpc}
	 * @param mapper reads and writes their JSON
	 */
	public SidecarRpcRegistry(SidecarRegistry sidecars, JsonMapper mapper) {
		for (Sidecar sidecar : sidecars.all()) {
			if (sidecar.definition().protocol() == Protocol.JSON_RPC) {
				this.rpcs.put(sidecar.name(), SidecarRpcs.attach(sidecar, mapper));
			}
		}
	}

	/**
	 * @param name the sidecar's name
	 * @return its JSON-RPC side
	 * @throws IllegalArgumentException naming the json-rpc sidecars there are, if none
	 * has that name
	 */
	public SidecarRpc get(String name) {
		SidecarRpc rpc = this.rpcs.get(name);
		if (rpc == null) {
			throw new IllegalArgumentException("No json-rpc sidecar is named '" + name + "' (json-rpc sidecars: "
					+ this.rpcs.keySet() + "); set sidecar.processes." + name + ".protocol=json-rpc");
		}
		return rpc;
	}

	/** Stop every sidecar's handler threads. */
	@Override
	public void close() {
		this.rpcs.values().forEach(SidecarRpcs::close);
	}

}
