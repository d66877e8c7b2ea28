package io.github.sidecarchannels.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of all sidecars, contributed as {@code sidecars}: DOWN when any sidecar is FAILED, else UP,
 * with each sidecar's state, pid, uptime, restarts and last exit as details.
 */
public class SidecarsHealthIndicator implements HealthIndicator {

	private final SidecarRegistry registry;

	/**
	 * @param registry the sidecars to report on
	 */
	public SidecarsHealthIndicator(SidecarRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Health health() {
		boolean anyFailed = false;
		Health.Builder builder = Health.up();
		for (Sidecar sidecar : this.registry.all()) {
			SidecarStatus status = sidecar.status();
			anyFailed |= status.state() == SidecarState.FAILED;
			builder.withDetail(status.name(), details(status));
		}
		return (anyFailed ? builder.down() : builder).build();
	}

	static Map<String, Object> details(SidecarStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", status.state());
		details.put("pid", status.pid());
		details.put("uptime", (status.uptime() != null) ? status.uptime().toString() : null);
		details.put("restarts", status.restarts());
		details.put("lastExitCode", status.lastExitCode());
		details.put("lastFailure", status.lastFailure());
		return details;
	}

}
