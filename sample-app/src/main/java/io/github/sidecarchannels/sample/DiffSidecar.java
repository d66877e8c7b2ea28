package io.github.sidecarchannels.sample;

import java.util.concurrent.CompletableFuture;

import io.github.sidecarchannels.rpc.JsonRpcMethod;
import io.github.sidecarchannels.rpc.SidecarClient;

/**
 * The {@code diff} sidecar's JSON-RPC method, as a Java interface: the starter finds it
 * in the application's package and makes it a bean. Calls wait at most the sidecar's
 * {@code request-timeout}.
 */
@SidecarClient(DiffService.SIDECAR)
interface DiffSidecar {

	/**
	 * @param request the two texts
	 * @return the similarity and both renderings of the diff
	 */
	@JsonRpcMethod("diff")
	DiffService.DiffResult diff(DiffService.DiffRequest request);

	/**
	 * @param request the two texts
	 * @return the future result; the call is sent before this returns
	 */
	@JsonRpcMethod("diff")
	CompletableFuture<DiffService.DiffResult> diffAsync(DiffService.DiffRequest request);

}
