package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.sidecarchannels.autoconfigure.endpoint.SidecarsEndpoint;
import io.github.sidecarchannels.autoconfigure.endpoint.SidecarsEndpoint.SidecarDescriptor;
import io.github.sidecarchannels.autoconfigure.endpoint.SidecarsEndpointAutoConfiguration;
import io.github.sidecarchannels.autoconfigure.health.SidecarsHealthContributor;
import io.github.sidecarchannels.autoconfigure.health.SidecarsHealthContributorAutoConfiguration;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarInstanceStatus;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
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

	private static final AutoConfigurations SIDECARS = AutoConfigurations.of(SidecarAutoConfiguration.class,
			SidecarsHealthContributorAutoConfiguration.class, SidecarsEndpointAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(SIDECARS)
		.withConfiguration(
				AutoConfigurations.of(EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
						HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class));

	@Test
	void healthIsUpWithDetailsPerSidecar() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("sidecars").getStatus()).isEqualTo(Status.UP);
			IndicatedHealthDescriptor echo = (IndicatedHealthDescriptor) health.healthForPath("sidecars", "echo");
			assertThat(echo.getStatus()).isEqualTo(Status.UP);
			assertThat(echo.getDetails()).containsEntry("state", SidecarState.RUNNING)
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
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("sidecars").getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.healthForPath("sidecars", "broken").getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.healthForPath("sidecars", "fine").getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void healthContributorKeepsItsBeanNameAndCanBeDisabled() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat").run((context) -> {
			assertThat(context).hasSingleBean(SidecarsHealthContributor.class);
			assertThat(context.getBean("sidecarsHealthIndicator")).isInstanceOf(SidecarsHealthContributor.class);
		});
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat", "management.health.sidecars.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SidecarsHealthContributor.class);
				assertThat(context.getBean(HealthEndpoint.class).healthForPath("sidecars")).isNull();
			});
	}

	@Test
	void endpointListsSidecarsAndRestartsOneByName() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=cat",
					"management.endpoints.web.exposure.include=sidecars")
			.run((context) -> {
				SidecarsEndpoint endpoint = context.getBean(SidecarsEndpoint.class);
				Sidecar echo = context.getBean("sidecar.echo", Sidecar.class);
				long firstPid = echo.pid();
				assertThat(endpoint.sidecars().sidecars()).containsOnlyKeys("echo");
				assertThat(endpoint.sidecar("echo")).extracting(SidecarDescriptor::pid).isEqualTo(firstPid);
				assertThat(endpoint.sidecar("nope")).isNull();
				SidecarDescriptor restarted = endpoint.restart("echo");
				assertThat(restarted).extracting(SidecarDescriptor::state).isEqualTo(SidecarState.RUNNING);
				assertThat(echo.pid()).isNotEqualTo(firstPid);
				assertThat(echo.request("again", TIMEOUT).getPayload()).isEqualTo("again");
				assertThat(endpoint.restart("nope")).isNull();
			});
	}

	@Test
	void poolHealthAndEndpointShowEachInstanceAndAKilledOneRestarting() {
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=cat", "sidecar.processes.pool.instances=2",
					"sidecar.processes.pool.restart.initial-delay=3s",
					"management.endpoints.web.exposure.include=health,sidecars")
			.run((context) -> {
				Sidecar pool = context.getBean("sidecar.pool", Sidecar.class);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				SidecarsEndpoint endpoint = context.getBean(SidecarsEndpoint.class);
				List<SidecarInstanceStatus> before = instances(health);
				assertThat(before).extracting(SidecarInstanceStatus::instance).containsExactly(0, 1);
				assertThat(before).extracting(SidecarInstanceStatus::state).containsOnly(SidecarState.RUNNING);
				assertThat(before).extracting(SidecarInstanceStatus::restarts).containsOnly(0);
				assertThat(before).extracting(SidecarInstanceStatus::outstanding).containsOnly(0);
				assertThat(before).extracting(SidecarInstanceStatus::pid)
					.doesNotHaveDuplicates()
					.allMatch((pid) -> pid > 0);
				assertThat(endpoint.sidecar("pool").instances()).isEqualTo(before);
				String json = JsonMapper.builder().build().writeValueAsString(endpoint.sidecars());
				assertThat(json).contains("\"pool\":{\"state\":\"RUNNING\"")
					.contains("{\"instance\":1,\"state\":\"RUNNING\",\"pid\":" + before.get(1).pid());
				long victim = before.get(1).pid();
				ProcessHandle.of(victim).orElseThrow().destroyForcibly();
				// The restart waits out its 3s backoff: long enough to be seen.
				await().atMost(TIMEOUT).until(() -> instances(health).get(1).state() == SidecarState.RESTARTING);
				assertThat(health.healthForPath("sidecars", "pool").getStatus()).isEqualTo(Status.UP);
				SidecarDescriptor restarting = endpoint.sidecar("pool");
				assertThat(restarting.state()).isEqualTo(SidecarState.RUNNING);
				assertThat(restarting.instances().get(1).pid()).isEqualTo(-1);
				assertThat(restarting.instances().get(1).lastFailure()).contains("137");
				assertThat(restarting.instances().get(0)).isEqualTo(before.get(0));
				await().atMost(TIMEOUT).until(() -> instances(health).get(1).state() == SidecarState.RUNNING);
				SidecarInstanceStatus restarted = endpoint.sidecar("pool").instances().get(1);
				assertThat(restarted.restarts()).isEqualTo(1);
				assertThat(restarted.pid()).isPositive().isNotEqualTo(victim).isEqualTo(instances(health).get(1).pid());
				assertThat(endpoint.sidecar("pool").restarts()).isEqualTo(1);
				assertThat(pool.request("after", TIMEOUT).getPayload()).isEqualTo("after");
			});
	}

	@SuppressWarnings("unchecked")
	private static List<SidecarInstanceStatus> instances(HealthEndpoint health) {
		IndicatedHealthDescriptor pool = (IndicatedHealthDescriptor) health.healthForPath("sidecars", "pool");
		return (List<SidecarInstanceStatus>) pool.getDetails().get("instances");
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat")
			.run((context) -> assertThat(context).doesNotHaveBean(SidecarsEndpoint.class));
	}

	@Test
	void withoutHealthAndActuatorModulesTheSidecarsStillRun() {
		new ApplicationContextRunner().withConfiguration(SIDECARS)
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
			.withPropertyValues("sidecar.processes.echo.command=cat")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(SidecarsHealthContributor.class)
					.doesNotHaveBean(SidecarsEndpoint.class);
				assertThat(context.getBean("sidecar.echo", Sidecar.class).request("bare", TIMEOUT).getPayload())
					.isEqualTo("bare");
			});
	}

	@Test
	void uptimeAndRestartsShowAfterARestart() {
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=cat",
					"sidecar.processes.echo.restart.initial-delay=10ms")
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
