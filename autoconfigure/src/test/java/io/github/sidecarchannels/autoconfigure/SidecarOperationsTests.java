package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health, the {@code sidecars} endpoint and fail-fast, as an operator sees them.
 */
class SidecarOperationsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(SidecarAutoConfiguration.class, EndpointAutoConfiguration.class));

	@Test
	void healthIsUpWithDetailsPerSidecar() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			Health health = context.getBean(SidecarsHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			@SuppressWarnings("unchecked")
			Map<String, Object> echo = (Map<String, Object>) health.getDetails().get("echo");
			assertThat(echo).containsEntry("state", SidecarState.RUNNING)
				.containsEntry("pid", context.getBean("sidecar.echo", Sidecar.class).pid())
				.containsEntry("restarts", 0)
				.containsKeys("uptime", "lastExitCode", "lastFailure");
		});
	}

	@Test
	void withFailFastOffABrokenSidecarIsFailedHealthIsDownAndTheAppStarts() {
		this.runner
			.withPropertyValues("sidecar.processes.broken.command=no-such-program-xyz",
					"sidecar.processes.broken.fail-fast=false", "sidecar.processes.fine.command=cat")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar broken = context.getBean("sidecar.broken", Sidecar.class);
				assertThat(broken.state()).isEqualTo(SidecarState.FAILED);
				assertThat(broken.lastFailure()).contains("no-such-program-xyz").contains("not found on the PATH");
				assertThat(context.getBean("sidecar.fine", Sidecar.class).request("ok", TIMEOUT).getPayload())
					.isEqualTo("ok");
				Health health = context.getBean(SidecarsHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			});
	}

	@Test
	void endpointListsSidecarsAndRestartsOneByName() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=cat", "management.endpoints.web.exposure.include=sidecars")
			.run((context) -> {
				SidecarsEndpoint endpoint = context.getBean(SidecarsEndpoint.class);
				Sidecar echo = context.getBean("sidecar.echo", Sidecar.class);
				long firstPid = echo.pid();
				assertThat(endpoint.sidecars()).containsOnlyKeys("echo");
				assertThat(endpoint.sidecar("echo")).containsEntry("pid", firstPid);
				assertThat(endpoint.sidecar("nope")).isNull();
				Map<String, Object> restarted = endpoint.restart("echo");
				assertThat(restarted).containsEntry("state", SidecarState.RUNNING);
				assertThat(echo.pid()).isNotEqualTo(firstPid);
				assertThat(echo.request("again", TIMEOUT).getPayload()).isEqualTo("again");
				assertThat(endpoint.restart("nope")).isNull();
			});
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat")
			.run((context) -> assertThat(context).doesNotHaveBean(SidecarsEndpoint.class));
	}

	@Test
	void withoutHealthAndActuatorModulesTheSidecarsStillRun() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
			.withPropertyValues("sidecar.processes.echo.command=cat")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(SidecarsHealthIndicator.class)
					.doesNotHaveBean(SidecarsEndpoint.class);
				assertThat(context.getBean("sidecar.echo", Sidecar.class).request("bare", TIMEOUT).getPayload())
					.isEqualTo("bare");
			});
	}

	@Test
	void uptimeAndRestartsShowAfterARestart() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=cat", "sidecar.processes.echo.restart.initial-delay=10ms")
			.run((context) -> {
				Sidecar echo = context.getBean("sidecar.echo", Sidecar.class);
				ProcessHandle.of(echo.pid()).orElseThrow().destroyForcibly();
				await().atMost(TIMEOUT)
					.until(() -> echo.status().restarts() == 1 && echo.state() == SidecarState.RUNNING);
				assertThat(echo.status().lastExitCode()).isEqualTo(137);
				assertThat(echo.status().uptime()).isNotNull();
			});
	}

}
