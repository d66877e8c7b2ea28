package io.github.sidecarchannels.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarInstanceStatus;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sidecars} Actuator endpoint: read lists every sidecar with its status; write
 * on a name restarts that sidecar (also the way out of FAILED).
 */
@Endpoint(id = "sidecars")
public class SidecarsEndpoint {

	private final SidecarRegistry registry;

	/**
	 * @param registry the sidecars
	 */
	public SidecarsEndpoint(SidecarRegistry registry) {
		this.registry = registry;
	}

	/**
	 * @return every sidecar's status, by name
	 */
	@ReadOperation
	public SidecarsDescriptor sidecars() {
		Map<String, SidecarDescriptor> sidecars = new LinkedHashMap<>();
		for (Sidecar sidecar : this.registry.all()) {
			sidecars.put(sidecar.name(), SidecarDescriptor.of(sidecar.status()));
		}
		return new SidecarsDescriptor(sidecars);
	}

	/**
	 * @param name a sidecar's name
	 * @return its status, or {@code null} (404) when there is no such sidecar
	 */
	@ReadOperation
	public @Nullable SidecarDescriptor sidecar(@Selector String name) {
		Sidecar sidecar = find(name);
		return (sidecar != null) ? SidecarDescriptor.of(sidecar.status()) : null;
	}

	/**
	 * Restart a sidecar (stop, then start).
	 * @param name the sidecar's name
	 * @return its status after the restart, or {@code null} (404) when there is no such
	 * sidecar
	 */
	@WriteOperation
	public @Nullable SidecarDescriptor restart(@Selector String name) {
		Sidecar sidecar = find(name);
		if (sidecar == null) {
			return null;
		}
		sidecar.restart();
		return SidecarDescriptor.of(sidecar.status());
	}

	private @Nullable Sidecar find(String name) {
		return this.registry.all().stream().filter((sidecar) -> sidecar.name().equals(name)).findFirst().orElse(null);
	}

	/**
	 * Every sidecar of the application.
	 *
	 * @param sidecars each sidecar's status, by name, in configuration order
	 */
	public record SidecarsDescriptor(Map<String, SidecarDescriptor> sidecars) implements OperationResponseBody {

	}

	/**
	 * One sidecar's status.
	 *
	 * @param state its lifecycle state
	 * @param pid the running child's process id, or -1 when none runs
	 * @param uptime how long the current child has been running (ISO-8601, e.g.
	 * {@code PT1M2S}), or {@code null} when none runs
	 * @param restarts automatic restarts since the sidecar was created
	 * @param lastExitCode the last child's exit status, or {@code null} if none has
	 * exited yet
	 * @param lastFailure why the sidecar last failed or its child last exited, or
	 * {@code null}
	 * @param instances each instance of its pool: state, pid, restarts, outstanding
	 */
	public record SidecarDescriptor(SidecarState state, long pid, @Nullable String uptime, int restarts,
			@Nullable Integer lastExitCode, @Nullable String lastFailure,
			List<SidecarInstanceStatus> instances) implements OperationResponseBody {

		static SidecarDescriptor of(SidecarStatus status) {
			String uptime = (status.uptime() != null) ? status.uptime().toString() : null;
			return new SidecarDescriptor(status.state(), status.pid(), uptime, status.restarts(), status.lastExitCode(),
					status.lastFailure(), status.instances());
		}

	}

}
