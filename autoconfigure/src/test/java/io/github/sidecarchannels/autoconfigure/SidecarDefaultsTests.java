package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.process.ChildFiles;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How {@code sidecar.defaults} merges under each {@code sidecar.processes.<name>}, and
 * that the built-in defaults, written as field initializers of
 * {@link SidecarProperties.Process}, are the definition's and reach the generated
 * configuration metadata.
 */
class SidecarDefaultsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String DEFAULTS = "sidecar.defaults.";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void aSidecarsOwnSettingWinsOverTheDefaultWhichWinsOverTheBuiltIn() {
		this.runner
			.withPropertyValues("sidecar.defaults.stop-timeout=2s", "sidecar.defaults.max-in-flight=7",
					"sidecar.processes.a.command=cat", "sidecar.processes.a.stop-timeout=3s",
					"sidecar.processes.b.command=cat")
			.run((context) -> {
				SidecarDefinition a = definition(context.getBean("sidecar.a", Sidecar.class));
				SidecarDefinition b = definition(context.getBean("sidecar.b", Sidecar.class));
				assertThat(a.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(a.maxInFlight()).isEqualTo(7);
				assertThat(b.stopTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(b.maxInFlight()).isEqualTo(7);
				assertThat(b.outboundCapacity()).isEqualTo(SidecarDefinition.DEFAULT_OUTBOUND_CAPACITY);
			});
	}

	@Test
	void namesWithUpperCaseOrUnderscoresGetTheirOwnSettings() {
		this.runner
			.withPropertyValues("sidecar.defaults.max-in-flight=7", "sidecar.processes.myDiff.command=cat",
					"sidecar.processes.myDiff.stop-timeout=3s", "sidecar.processes.my_diff.command=cat",
					"sidecar.processes.my_diff.protocol=json-rpc")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SidecarDefinition camel = definition(context.getBean("sidecar.myDiff", Sidecar.class));
				assertThat(camel.stopTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(camel.maxInFlight()).isEqualTo(7);
				SidecarDefinition snake = definition(context.getBean("sidecar.my_diff", Sidecar.class));
				assertThat(snake.protocol()).isEqualTo(io.github.sidecarchannels.core.Protocol.JSON_RPC);
				assertThat(context).hasBean("sidecar.my_diff.rpc");
			});
	}

	@Test
	void environmentMapsMergeWithTheSidecarsEntriesWinning() {
		this.runner
			.withPropertyValues("sidecar.defaults.environment.SHARED=1", "sidecar.defaults.environment.BOTH=default",
					"sidecar.processes.a.command=cat", "sidecar.processes.a.environment.BOTH=own",
					"sidecar.processes.a.environment.OWN=2", "sidecar.processes.b.command=cat")
			.run((context) -> {
				assertThat(definition(context.getBean("sidecar.a", Sidecar.class)).environment())
					.containsExactlyInAnyOrderEntriesOf(Map.of("SHARED", "1", "BOTH", "own", "OWN", "2"));
				// One sidecar's entries never leak into another's through the defaults.
				assertThat(definition(context.getBean("sidecar.b", Sidecar.class)).environment())
					.containsExactlyInAnyOrderEntriesOf(Map.of("SHARED", "1", "BOTH", "default"));
			});
	}

	@Test
	void aSidecarsCommandListReplacesTheDefaultOneWhole() {
		this.runner
			.withPropertyValues("sidecar.defaults.command=sh,-c,exec cat,from-defaults",
					"sidecar.processes.own.command=cat", "sidecar.processes.inherited.restart.policy=never")
			.run((context) -> {
				Sidecar own = context.getBean("sidecar.own", Sidecar.class);
				Sidecar inherited = context.getBean("sidecar.inherited", Sidecar.class);
				// Merged by index it would be [cat, -c, exec cat, from-defaults].
				assertThat(own.definition().command()).containsExactly("cat");
				assertThat(inherited.definition().command()).containsExactly("sh", "-c", "exec cat", "from-defaults");
				assertThat(own.request("own", TIMEOUT).getPayload()).isEqualTo("own");
				assertThat(inherited.request("inherited", TIMEOUT).getPayload()).isEqualTo("inherited");
			});
	}

	@Test
	void aRestartSettingFromTheDefaultsKeepsTheSidecarsOwnAndTheBuiltInOnes() {
		this.runner
			.withPropertyValues("sidecar.defaults.restart.max-restarts=2", "sidecar.processes.a.command=cat",
					"sidecar.processes.a.restart.policy=always", "sidecar.processes.b.command=cat")
			.run((context) -> {
				RestartPolicy a = definition(context.getBean("sidecar.a", Sidecar.class)).restartPolicy();
				RestartPolicy b = definition(context.getBean("sidecar.b", Sidecar.class)).restartPolicy();
				assertThat(a)
					.isEqualTo(new RestartPolicy(RestartPolicy.Mode.ALWAYS, RestartPolicy.DEFAULT.initialDelay(),
							RestartPolicy.DEFAULT.multiplier(), RestartPolicy.DEFAULT.maxDelay(),
							RestartPolicy.DEFAULT.resetAfter(), 2, RestartPolicy.DEFAULT.window()));
				assertThat(b.mode()).isEqualTo(RestartPolicy.Mode.ON_FAILURE);
				assertThat(b.maxRestarts()).isEqualTo(2);
			});
	}

	@Test
	void lifecycleFlagsFromTheDefaultsApplyUnlessTheSidecarSetsItsOwn() {
		this.runner
			.withPropertyValues("sidecar.defaults.auto-startup=false", "sidecar.processes.manual.command=cat",
					"sidecar.processes.automatic.command=cat", "sidecar.processes.automatic.auto-startup=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Sidecar automatic = context.getBean("sidecar.automatic", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> automatic.state() == SidecarState.RUNNING);
				assertThat(automatic.request("up", TIMEOUT).getPayload()).isEqualTo("up");
				assertThat(context.getBean("sidecar.manual", Sidecar.class).state()).isEqualTo(SidecarState.STOPPED);
			});
	}

	@Test
	void unsetEverywhereEverySettingIsTheDefinitionsBuiltInDefault() {
		this.runner.withPropertyValues("sidecar.processes.plain.command=cat").run((context) -> {
			SidecarDefinition configured = definition(context.getBean("sidecar.plain", Sidecar.class));
			SidecarDefinition builtIn = SidecarDefinition.builder("plain")
				.command("cat")
				.clientsDirectory(context.getBean(ChildFiles.class).clients())
				.build();
			Map<String, Object> expected = settings(builtIn);
			assertThat(expected).containsKeys("stopTimeout", "restartPolicy", "maxMessageSize", "heartbeatTimeout");
			assertThat(settings(configured)).isEqualTo(expected);
		});
	}

	@Test
	void generatedMetadataHoldsTheBuiltInDefaults() throws IOException {
		Map<String, JsonNode> metadata = generatedMetadata();
		assertThat(metadata.get(DEFAULTS + "stop-timeout").path("defaultValue").asString()).isEqualTo("5s");
		assertThat(metadata.get(DEFAULTS + "max-message-size").path("defaultValue").asString()).isEqualTo("1MB");
		assertThat(metadata.get(DEFAULTS + "outbound-buffer-size").path("defaultValue").asString()).isEqualTo("16MB");
		assertThat(metadata.get(DEFAULTS + "max-in-flight").path("defaultValue").asInt()).isEqualTo(1024);
		assertThat(metadata.get(DEFAULTS + "fail-fast").path("defaultValue").asBoolean()).isTrue();
		assertThat(metadata.get(DEFAULTS + "framing").path("defaultValue").asString()).isEqualTo("lines");
		assertThat(metadata.get(DEFAULTS + "startup.grace").path("defaultValue").asString()).isEqualTo("250ms");
		assertThat(metadata.get(DEFAULTS + "restart.policy").path("defaultValue").asString()).isEqualTo("on-failure");
		assertThat(metadata.get(DEFAULTS + "restart.multiplier").path("defaultValue").asDouble()).isEqualTo(2.0);
		assertThat(metadata.get(DEFAULTS + "json-rpc.cancellation").path("defaultValue").asString()).isEqualTo("none");
	}

	@Test
	void onlySettingsWithoutAFixedBuiltInValueLackADefaultInTheMetadata() throws IOException {
		TreeSet<String> withoutDefault = new TreeSet<>();
		generatedMetadata().forEach((name, property) -> {
			if (name.startsWith(DEFAULTS) && !property.has("defaultValue")) {
				withoutDefault.add(name.substring(DEFAULTS.length()));
			}
		});
		assertThat(withoutDefault).containsExactly("command", "environment", "heartbeat.interval", "heartbeat.timeout",
				"working-directory");
	}

	@Test
	void handWrittenMetadataAddsOnlyWhatTheProcessorCannotSee() throws IOException {
		URL additional = getClass().getClassLoader()
			.getResource("META-INF/additional-spring-configuration-metadata.json");
		assertThat(additional).isNotNull();
		JsonNode root;
		try (InputStream in = additional.openStream()) {
			root = JsonMapper.builder().build().readTree(in);
		}
		assertThat(root.path("properties").isMissingNode()).as("hand-written properties").isTrue();
		assertThat(root.path("hints").findValuesAsString("name")).contains("sidecar.processes.keys");
	}

	private static SidecarDefinition definition(Sidecar sidecar) {
		return sidecar.definition();
	}

	/** Every setting of a definition, by accessor, so none can be forgotten. */
	private static Map<String, Object> settings(SidecarDefinition definition) {
		Map<String, Object> settings = new LinkedHashMap<>();
		for (Method method : SidecarDefinition.class.getDeclaredMethods()) {
			if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
					&& method.getParameterCount() == 0
					&& !List.of("toString", "toBuilder").contains(method.getName())) {
				settings.put(method.getName(), invoke(method, definition));
			}
		}
		return settings;
	}

	private static Object invoke(Method method, SidecarDefinition definition) {
		try {
			return String.valueOf(method.invoke(definition));
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The properties of the metadata the processor generated for this module. */
	private static Map<String, JsonNode> generatedMetadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		for (URL url : Collections.list(SidecarDefaultsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			JsonNode root;
			try (InputStream in = url.openStream()) {
				root = json.readTree(in);
			}
			if (root.path("groups")
				.valueStream()
				.anyMatch((group) -> SidecarProperties.class.getName().equals(group.path("sourceType").asString()))) {
				Map<String, JsonNode> properties = new LinkedHashMap<>();
				root.path("properties")
					.valueStream()
					.forEach((property) -> properties.put(property.get("name").asString(), property));
				return properties;
			}
		}
		throw new AssertionError("no generated metadata for " + SidecarProperties.class.getName());
	}

}
