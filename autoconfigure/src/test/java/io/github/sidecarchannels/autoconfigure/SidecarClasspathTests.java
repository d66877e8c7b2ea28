package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.process.ChildFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code classpath:} commands and working directories, and the bundled clients every
 * child can import, through the auto-configuration with real children.
 */
class SidecarClasspathTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@TempDir
	Path temp;

	@Test
	void pythonChildFromTheClasspathImportsTheBundledClientWithoutACopy() throws IOException {
		Path bundled = new ClassPathResource(ChildFiles.CLIENTS_LOCATION + "python/sidecar_channel.py").getFile()
			.toPath();
		this.runner.withPropertyValues("sidecar.processes.py.command=python3,classpath:children/where_is_client.py")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.py", Sidecar.class);
				assertThat(sidecar.definition().command().get(1)).isEqualTo(Children.script("where_is_client.py"));
				assertThat(Path.of((String) sidecar.request("where?", TIMEOUT).getPayload())).isEqualTo(bundled);
			});
	}

	@Test
	void nodeChildRequiresTheBundledClientByName() throws IOException {
		Path bundled = new ClassPathResource(ChildFiles.CLIENTS_LOCATION + "node/sidecar-channel/sidecar-channel.js")
			.getFile()
			.toPath();
		this.runner.withPropertyValues("sidecar.processes.js.command=node,classpath:children/where_is_client.js")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.js", Sidecar.class);
				assertThat(Path.of((String) sidecar.request("where?", TIMEOUT).getPayload())).isEqualTo(bundled);
			});
	}

	@Test
	void aCopyNextToThePythonScriptWinsOverTheBundledClient() throws IOException {
		Files.copy(Path.of(Children.script("where_is_client.py")), this.temp.resolve("worker.py"));
		Files.writeString(this.temp.resolve("sidecar_channel.py"), Files.readString(
				new ClassPathResource(ChildFiles.CLIENTS_LOCATION + "python/sidecar_channel.py").getFile().toPath()));
		this.runner.withPropertyValues("sidecar.processes.py.command=python3," + this.temp.resolve("worker.py"))
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.py", Sidecar.class);
				assertThat(Path.of((String) sidecar.request("where?", TIMEOUT).getPayload()))
					.isEqualTo(this.temp.resolve("sidecar_channel.py"));
			});
	}

	@Test
	void clientPathsAreAppendedToTheChildsOwnAndTheProtocolVersionIsSet() {
		this.runner.withPropertyValues(
				"sidecar.processes.env.command=sh,-c,read go; echo \"$PYTHONPATH|$NODE_PATH|$SIDECAR_PROTOCOL_VERSION\"",
				"sidecar.processes.env.environment.PYTHONPATH=/own/python")
			.run((context) -> {
				Path clients = context.getBean(ChildFiles.class).clients();
				assertThat(reply(context.getBean("sidecar.env", Sidecar.class)))
					.isEqualTo("/own/python:" + clients.resolve("python") + "|" + clients.resolve("node") + "|2");
			});
	}

	@Test
	void clientsAreNotExposedWhenTurnedOff() {
		this.runner
			.withPropertyValues("sidecar.clients.expose=false", "sidecar.processes.env.inherit-environment=false",
					"sidecar.processes.env.command=sh,-c,read go; echo \"[$PYTHONPATH|$NODE_PATH]\"")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.env", Sidecar.class);
				assertThat(sidecar.definition().clientsDirectory()).isNull();
				assertThat(reply(sidecar)).isEqualTo("[|]");
			});
	}

	@Test
	void childFromAJarRunsExtractedInItsClasspathWorkingDirectoryAndTheFilesGoAtClose() throws IOException {
		Path jar = jar(Map.of("jarred/worker.py",
				"import helper\nimport sys\nfor line in sys.stdin:\n"
						+ "    print(helper.shout(line.strip()), flush=True)\n",
				"jarred/helper.py", "def shout(text):\n    return text.upper() + '!'\n"));
		Path[] extracted = new Path[1];
		try (URLClassLoader loader = new URLClassLoader(new URL[] { jar.toUri().toURL() },
				getClass().getClassLoader())) {
			this.runner.withClassLoader(loader)
				.withPropertyValues("sidecar.processes.py.command=python3,classpath:jarred/worker.py",
						"sidecar.processes.py.working-directory=classpath:jarred/")
				.run((context) -> {
					Sidecar sidecar = context.getBean("sidecar.py", Sidecar.class);
					extracted[0] = context.getBean(ChildFiles.class).extractionDirectory();
					assertThat(extracted[0]).isNotNull();
					assertThat(sidecar.definition().workingDirectory()).isEqualTo(extracted[0].resolve("jarred"));
					assertThat(sidecar.definition().command().get(1))
						.isEqualTo(extracted[0].resolve("jarred/worker.py").toString());
					assertThat(sidecar.request("hello", TIMEOUT).getPayload()).isEqualTo("HELLO!");
				});
		}
		assertThat(extracted[0]).doesNotExist();
	}

	@Test
	void missingClasspathResourceFailsStartupNamingTheElement() {
		this.runner.withPropertyValues("sidecar.processes.worker.command=python3,classpath:sidecars/missing.py")
			.run((context) -> {
				assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(SidecarConfigurationException.class);
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'classpath:sidecars/missing.py' does not exist");
				assertThat(analysis.getAction()).contains("sidecar.processes.worker.command[1]");
			});
	}

	@Test
	void missingClasspathWorkingDirectoryFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("sidecar.processes.worker.command=cat",
					"sidecar.processes.worker.working-directory=classpath:no-such-directory/")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'classpath:no-such-directory/' does not exist");
				assertThat(analysis.getAction()).contains("sidecar.processes.worker.working-directory");
			});
	}

	private String reply(Sidecar sidecar) throws InterruptedException {
		BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
		sidecar.outbound().send(MessageBuilder.withPayload("go").build());
		Message<?> message = received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(message).as("the child's answer").isNotNull();
		return (String) message.getPayload();
	}

	private Path jar(Map<String, String> entries) throws IOException {
		Path jar = this.temp.resolve("children.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			out.putNextEntry(new JarEntry("jarred/"));
			out.closeEntry();
			for (Map.Entry<String, String> entry : entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
				out.closeEntry();
			}
		}
		return jar;
	}

	private static FailureAnalysis analyze(Throwable failure) {
		// Boot's own analyzers need a bean factory; only ours matter here.
		for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, null, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null && analysis.getDescription().contains("Sidecar")) {
				return analysis;
			}
		}
		throw new AssertionError("no failure analysis for " + failure, failure);
	}

}
