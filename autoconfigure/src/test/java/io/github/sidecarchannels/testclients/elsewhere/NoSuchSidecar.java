package io.github.sidecarchannels.testclients.elsewhere;

import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarClient;

@SidecarClient("missing")
public interface NoSuchSidecar {

	@JsonRpcNotification("ping")
	void ping();

}
