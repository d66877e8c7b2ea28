package io.github.sidecarchannels.testclients.valuednotification;

import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarClient;

@SidecarClient("echo")
public interface ValuedNotification {

	@JsonRpcNotification("ping")
	String ping();

}
