package io.github.sidecarchannels.core;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one instance (one child) of a sidecar's pool.
 *
 * @param instance which instance (0-based, the child's {@code SIDECAR_INSTANCE})
 * @param state the instance's own lifecycle state ({@code RUNNING} when ready)
 * @param pid its running child's process id, or -1
 * @param restarts automatic restarts of this instance
 * @param outstanding its load, by which requests and messages are routed: requests
 * holding a {@code max-in-flight} slot (not answered yet) plus messages waiting in its
 * outbound queue (a request not written yet counts in both)
 * @param lastFailure why this instance last failed or its child last exited, or
 * {@code null}
 */
public record SidecarInstanceStatus(int instance, SidecarState state, long pid, int restarts, int outstanding,
		@Nullable String lastFailure) {

}
