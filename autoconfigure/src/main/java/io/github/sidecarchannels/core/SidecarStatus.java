package io.github.sidecarchannels.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a sidecar, for health checks, endpoints and dashboards.
 *
 * @param name the sidecar's name
 * @param state its lifecycle state
 * @param pid the running child's process id, or -1
 * @param uptime how long the current child has been running, or {@code null} when none is
 * @param restarts automatic restarts since the sidecar was created
 * @param lastExitCode the last child's exit status ({@code 128 + n} for signal {@code n}), or
 * {@code null} if no child has exited yet or the status was unknown
 * @param lastFailure why the sidecar last failed or its child last exited, or {@code null}
 */
public record SidecarStatus(String name, SidecarState state, long pid, @Nullable Duration uptime, int restarts,
		@Nullable Integer lastExitCode, @Nullable String lastFailure) {

}
