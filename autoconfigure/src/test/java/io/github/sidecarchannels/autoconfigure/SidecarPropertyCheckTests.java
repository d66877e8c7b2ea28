package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarInstanceStatus;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Configuration is checked like Boot's own: unknown keys, a restart floor and children
 * that die at once all fail startup with an analysis naming the property to fix.
 */
class SidecarPropertyCheckTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void misspelledProcessKeyFailsStartupSuggestingTheRealOne() {
		this.runner.withPropertyValues("sidecar.processes.x.comand=cat").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("unknown properties")
				.contains("sidecar.processes.x.comand")
				.contains("did you mean 'sidecar.processes.x.command'?");
			assertThat(analysis.getAction()).contains("Fix or remove");
		});
	}

	@Test
	void misspelledNestedKeyNamesTheNearestKeyAtItsLevel() {
		this.runner.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.processes.x.restart.max-restart=50")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("sidecar.processes.x.restart.max-restart")
				.contains("did you mean 'sidecar.processes.x.restart.max-restarts'?"));
	}

	@Test
	void misspelledTopLevelKeyIsCorrectedAllTheWayDown() {
		this.runner.withPropertyValues("sidecar.process.x.command=cat")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("did you mean 'sidecar.processes.x.command'?"));
	}

	@Test
	void misspelledDefaultsAndCamelCaseKeysAreCaughtToo() {
		this.runner
			.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.defaults.restart.maxRestart=3",
					"sidecar.defaults.stopTimout=1s")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("did you mean 'sidecar.defaults.restart.max-restarts'?")
				.contains("did you mean 'sidecar.defaults.stop-timeout'?"));
	}

	@Test
	void keyFarFromEveryValidOneListsTheValidKeys() {
		this.runner.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.processes.x.restart.zzz=1")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'zzz' is not a key under 'sidecar.processes.x.restart'")
				.contains("initial-delay, max-delay, max-restarts, multiplier, policy, reset-after, window"));
	}

	@Test
	void keyBelowAValueSaysTheValueTakesNoNestedKeys() {
		this.runner.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.processes.x.framing.kind=lines")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription())
				.contains("'sidecar.processes.x.framing' takes a value, not nested keys"));
	}

	@Test
	void relaxedFormsAndEnvironmentVariablesStillBind() {
		Map<String, Object> variables = Map.of("SIDECAR_PROCESSES_ECHO_COMMAND", "cat",
				"SIDECAR_PROCESSES_ECHO_RESTART_MAXRESTARTS", "2", "SIDECAR_PROCESSES_ECHO_ENVIRONMENT_GREETING", "hi");
		this.runner.withPropertyValues("sidecar.processes.echo.maxInFlight=7", "sidecar.defaults.stop_timeout=3s")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
				SidecarDefinition definition = sidecar.definition();
				assertThat(definition.command()).containsExactly("cat");
				assertThat(definition.maxInFlight()).isEqualTo(7);
				assertThat(definition.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(definition.restartPolicy().maxRestarts()).isEqualTo(2);
				assertThat(definition.environment()).containsEntry("greeting", "hi");
				assertThat(sidecar.request("bound", TIMEOUT).getPayload()).isEqualTo("bound");
			});
	}

	@Test
	void variablesAParentSidecarGivesThisApplicationAreNotConfiguration() {
		// An application that is itself some sidecar's child inherits SIDECAR_NAME,
		// SIDECAR_FD...
		Map<String, Object> inherited = Map.of("SIDECAR_NAME", "parent", "SIDECAR_FD", "0", "SIDECAR_FRAMING", "lines");
		this.runner.withPropertyValues("sidecar.processes.echo.command=cat")
			.withInitializer((context) -> replaceSystemEnvironment(context, inherited))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void restartDelayBelowTheFloorFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.processes.x.restart.initial-delay=5ms")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Sidecar 'x'")
					.contains("restart.initial-delay must be at least 10ms, got PT0.005S");
				assertThat(analysis.getAction()).contains("sidecar.processes.x.restart");
			});
	}

	@Test
	void childThatDiesAtOnceFailsStartupWithItsExitCodeAndStderr() {
		this.runner.withPropertyValues("sidecar.processes.x.command=sh,-c,echo cannot load settings >&2; exit 3")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Sidecar 'x'")
					.contains("within startup.grace (250ms)")
					.contains("exit code 3")
					.contains("cannot load settings");
				assertThat(analysis.getAction()).contains("sidecar.processes.x.startup.grace")
					.contains("sidecar.processes.x.fail-fast");
			});
	}

	@Test
	void poolInstanceWhoseChildDiesAtOnceFailsStartupNamingTheInstance() {
		this.runner
			.withPropertyValues(
					"sidecar.processes.pool.command=sh,-c,"
							+ "if [ \"$SIDECAR_INSTANCE\" = 1 ]; then echo instance $SIDECAR_INSTANCE cannot load >&2; "
							+ "exit 3; fi; exec cat",
					"sidecar.processes.pool.instances=2", "sidecar.processes.pool.startup.grace=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Sidecar 'pool': instance 1 (of 2): ")
					.contains("within startup.grace (5s)")
					.contains("exit code 3")
					.contains("instance 1 cannot load");
				assertThat(analysis.getAction()).contains("sidecar.processes.pool.startup.grace")
					.contains("sidecar.processes.pool.fail-fast");
			});
	}

	@Test
	void poolWhoseInstancesAllStayUpThroughTheGraceStarts() {
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=cat", "sidecar.processes.pool.instances=2",
					"sidecar.processes.pool.startup.grace=300ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar pool = context.getBean("sidecar.pool", Sidecar.class);
				assertThat(pool.status().instances()).extracting(SidecarInstanceStatus::state)
					.containsExactly(SidecarState.RUNNING, SidecarState.RUNNING);
				assertThat(pool.request("up", TIMEOUT).getPayload()).isEqualTo("up");
			});
	}

	@Test
	void missingScriptFailsStartupInsteadOfRestartingUntilFailed() {
		this.runner
			.withPropertyValues("sidecar.processes.x.command=python3,/no/such/script.py",
					"sidecar.processes.ok.command=cat", "sidecar.defaults.startup.grace=10s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("within startup.grace (10s)")
					.contains("exit code 2")
					.contains("/no/such/script.py");
			});
	}

	@Test
	void earlyExitIsToleratedWithoutFailFastOrWithoutGrace() {
		this.runner
			.withPropertyValues("sidecar.processes.lenient.command=sh,-c,exit 3",
					"sidecar.processes.lenient.fail-fast=false", "sidecar.processes.lenient.restart.policy=never",
					"sidecar.processes.unchecked.command=sh,-c,exit 4", "sidecar.processes.unchecked.startup.grace=0",
					"sidecar.processes.unchecked.restart.policy=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar unchecked = context.getBean("sidecar.unchecked", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> unchecked.state() == SidecarState.FAILED);
				assertThat(unchecked.lastFailure()).isEqualTo("exited (exit code 4)");
			});
	}

	@Test
	void negativeStartupGraceFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("sidecar.processes.x.command=cat", "sidecar.processes.x.startup.grace=-1s")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getAction())
				.contains("sidecar.processes.x.startup.grace"));
	}

	@Test
	void everyPropertyOfThePropertiesClassesIsAValidKey() {
		SidecarPropertyKeys keys = SidecarPropertyKeys.of("sidecar", SidecarProperties.class);
		for (String valid : new String[] { "sidecar.processes.x.command", "sidecar.processes.x.command[0]",
				"sidecar.processes.x.environment.ANY_NAME", "sidecar.defaults.restart.max-restarts",
				"sidecar.processes.x.startup.grace", "sidecar.defaults.fail-fast",
				"sidecar.processes.x.maxInFlight" }) {
			assertThat(keys.problem(ConfigurationPropertyName.adapt(valid, '.'))).as(valid).isNull();
		}
		assertThat(keys.problem(ConfigurationPropertyName.of("sidecar.processes.x.outbound-capasity")))
			.isEqualTo("did you mean 'sidecar.processes.x.outbound-capacity'?");
	}

	@Test
	void levenshteinDistanceCountsEdits() {
		assertThat(SidecarPropertyKeys.distance("comand", "command")).isEqualTo(1);
		assertThat(SidecarPropertyKeys.distance("process", "processes")).isEqualTo(2);
		assertThat(SidecarPropertyKeys.distance("", "abc")).isEqualTo(3);
		assertThat(SidecarPropertyKeys.distance("kitten", "sitting")).isEqualTo(3);
	}

	private static void replaceSystemEnvironment(ConfigurableApplicationContext context,
			Map<String, Object> variables) {
		context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
	}

	/**
	 * The analysis Boot would print: the first analyzer, in order, that explains the
	 * failure.
	 */
	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).as("startup failure").isNotNull();
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("no failure analysis for " + failure, failure);
	}

}
