package io.github.sidecarchannels.testclients.hidden;

import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarClient;

/**
 * Package-private, as application interfaces often are: generated code must not need to
 * name it.
 */
@SidecarClient("echo")
interface HiddenClient {

	@JsonRpcNotification("hidden")
	void hidden();

}
