/**
 * JSON-RPC 2.0 over a sidecar ({@code protocol: json-rpc}):
 * {@link io.github.sidecarchannels.rpc.SidecarRpc} calls the child, with responses
 * matched by id in any order; beans annotated
 * {@link io.github.sidecarchannels.rpc.SidecarRpcHandler} answer the child's calls and
 * notifications. Needs Jackson 3 ({@code tools.jackson.core:jackson-databind}) on the
 * classpath.
 */
@NullMarked
package io.github.sidecarchannels.rpc;

import org.jspecify.annotations.NullMarked;
