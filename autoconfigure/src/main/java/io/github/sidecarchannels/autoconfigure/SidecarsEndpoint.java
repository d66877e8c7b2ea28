package io.github.sidecarchannels.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sidecars} Actuator endpoint: read lists every sidecar with its status; write on a name
 * restarts that sidecar (also the way out of FAILED).
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
	public Map<String, Map<String, Object>> sidecars() {
		Map<String, Map<String, Object>> sidecars = new LinkedHashMap<>();
		for (Sidecar sidecar : this.registry.all()) {
			sidecars.put(sidecar.name(), SidecarsHealthIndicator.details(sidecar.status()));
		}
		return sidecars;
	}

	/**
	 * @param name a sidecar's name
	 * @return its status, or {@code null} (404) when there is no such sidecar
	 */
	@ReadOperation
	public Map<String, Object> sidecar(@Selector String name) {
		Sidecar sidecar = find(name);
		return (sidecar != null) ? SidecarsHealthIndicator.details(sidecar.status()) : null;
	}

	/**
	 * Restart a sidecar (stop, then start).
	 * @param name the sidecar's name
	 * @return its status after the restart, or {@code null} (404) when there is no such sidecar
	 */
	@WriteOperation
	public Map<String, Object> restart(@Selector String name) {
		Sidecar sidecar = find(name);
		if (sidecar == null) {
			return null;
		}
		sidecar.restart();
		return SidecarsHealthIndicator.details(sidecar.status());
	}

	private Sidecar find(String name) {
		return this.registry.all().stream().filter((sidecar) -> sidecar.name().equals(name)).findFirst().orElse(null);
	}

}
