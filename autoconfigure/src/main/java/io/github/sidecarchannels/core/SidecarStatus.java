package io.github.sidecarchannels.core;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a sidecar, for health checks, endpoints and dashboards.
 *
 * @param name the sidecar's name
 * @param state its lifecycle state
 * @param pid the running child's process id, or -1
 * @param uptime how long the current child has been running, or {@code null} when none is
 * @param restarts automatic restarts since the sidecar was created
 * @param lastExitCode the last child's exit status ({@code 128 + n} for signal
 * {@code n}), or {@code null} if no child has exited yet or the status was unknown
 * @param lastFailure why the sidecar last failed or its child last exited, or
 * {@code null}
 * @param instances each instance of the sidecar's pool ({@code instances}), in order; one
 * for a sidecar of one instance; empty in statuses made with the constructor of the old
 * shape
 */
public record SidecarStatus(String name, SidecarState state, long pid, @Nullable Duration uptime, int restarts,
		@Nullable Integer lastExitCode, @Nullable String lastFailure, List<SidecarInstanceStatus> instances) {

	/**
	 * A status without instance details, the shape before pools.
	 * @param name the sidecar's name
	 * @param state its lifecycle state
	 * @param pid the running child's process id, or -1
	 * @param uptime how long the current child has been running, or {@code null}
	 * @param restarts automatic restarts
	 * @param lastExitCode the last child's exit status, or {@code null}
	 * @param lastFailure why the sidecar last failed, or {@code null}
	 */
	public SidecarStatus(String name, SidecarState state, long pid, @Nullable Duration uptime, int restarts,
			@Nullable Integer lastExitCode, @Nullable String lastFailure) {
		this(name, state, pid, uptime, restarts, lastExitCode, lastFailure, List.of());
	}

	/** Keeps an unmodifiable copy of the instances. */
	public SidecarStatus {
		instances = List.copyOf(instances);
	}

}
