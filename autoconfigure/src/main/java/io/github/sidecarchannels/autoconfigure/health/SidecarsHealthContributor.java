package io.github.sidecarchannels.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the sidecars, contributed as {@code sidecars} with one member per sidecar (so
 * each has its own path, {@code /actuator/health/sidecars/<name>}). A sidecar is DOWN
 * when it is FAILED and UP otherwise, with its state, pid, uptime, restarts, last exit
 * code, last failure and instances as details; the {@code sidecars} status aggregates
 * them, so it is DOWN when any sidecar is FAILED.
 */
public final class SidecarsHealthContributor implements CompositeHealthContributor {

	private final SidecarRegistry registry;

	/**
	 * @param registry the sidecars to report on
	 */
	public SidecarsHealthContributor(SidecarRegistry registry) {
		this.registry = registry;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.registry.all()
			.stream()
			.filter((sidecar) -> sidecar.name().equals(name))
			.findFirst()
			.map(SidecarsHealthContributor::indicator)
			.orElse(null);
	}

	@Override
	public Stream<Entry> stream() {
		return this.registry.all().stream().map((sidecar) -> new Entry(sidecar.name(), indicator(sidecar)));
	}

	private static HealthIndicator indicator(Sidecar sidecar) {
		return () -> health(sidecar.status());
	}

	static Health health(SidecarStatus status) {
		Health.Builder builder = (status.state() == SidecarState.FAILED) ? Health.down() : Health.up();
		return builder.withDetails(details(status)).build();
	}

	private static Map<String, @Nullable Object> details(SidecarStatus status) {
		Map<String, @Nullable Object> details = new LinkedHashMap<>();
		details.put("state", status.state());
		details.put("pid", status.pid());
		details.put("uptime", (status.uptime() != null) ? status.uptime().toString() : null);
		details.put("restarts", status.restarts());
		details.put("lastExitCode", status.lastExitCode());
		details.put("lastFailure", status.lastFailure());
		details.put("instances", status.instances());
		return details;
	}

}
