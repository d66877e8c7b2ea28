package io.github.sidecarchannels.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repackaged jar, run with {@code java -jar} from another directory, as a user would:
 * the Python child comes from {@code classpath:} inside the jar and imports the bundled
 * client, a Node child requires the bundled client by name, the extracted files are gone
 * after SIGTERM, and without a web server the app stays up until it is stopped. Run by
 * surefire in the {@code integration-test} phase, after {@code package} built the jar.
 */
class PackagedJarIT {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private static final Pattern NODE_CLIENT = Pattern.compile("node client at (\\S+)");

	private static final Duration STARTUP = Duration.ofSeconds(60);

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path temp;

	private final StringBuffer output = new StringBuffer();

	private Process application;

	@AfterEach
	void kill() {
		if (this.application != null) {
			this.application.destroyForcibly();
		}
	}

	@Test
	void jarCarriesTheScriptButNoCopyOfTheClient() throws IOException {
		try (JarFile jar = new JarFile(jar().toFile())) {
			assertThat(jar.getEntry("BOOT-INF/classes/sidecars/diff_sidecar.py")).isNotNull();
			assertThat(
					jar.stream().map((entry) -> entry.getName()).filter((name) -> name.endsWith("sidecar_channel.py")))
				.isEmpty();
		}
	}

	@Test
	void pythonAndNodeChildrenRunFromTheJarWithTheBundledClients() throws Exception {
		Path script = this.temp.resolve("node_client.js");
		Files.writeString(script, "'use strict';\n" + "const { serve } = require('sidecar-channel');\n"
				+ "console.error('node client at ' + require.resolve('sidecar-channel'));\n"
				+ "serve((message) => message).catch((err) => { console.error(err); process.exitCode = 1; });\n");
		start("--server.port=0", "--sidecar.processes.node.command[0]=node",
				"--sidecar.processes.node.command[1]=" + script);
		int port = Integer.parseInt(awaitOutput(PORT).group(1));
		Path tmp = this.temp.resolve("tmp");

		JsonNode diff = post(port, "/api/diff", "{\"left\": \"abcd\", \"right\": \"bcde\"}");
		assertThat(diff.get("similarity").asDouble()).isEqualTo(0.75);
		assertThat(diff.get("unified").asString()).contains("-abcd").contains("+bcde");
		String pythonCommand = get(port, "/api/sidecars").toString();
		assertThat(pythonCommand).contains(tmp.toString() + "/sidecar-channels-").contains("/sidecars/diff_sidecar.py");
		Path nodeClient = Path.of(awaitOutput(NODE_CLIENT).group(1));
		assertThat(nodeClient.toString()).startsWith(tmp.toString())
			.endsWith("META-INF/sidecar-channels/clients/node/sidecar-channel/sidecar-channel.js");
		assertThat(extractedDirectories()).hasSize(1);

		List<ProcessHandle> children = this.application.children().toList();
		assertThat(children).hasSize(2);
		this.application.destroy();
		assertThat(this.application.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.application.exitValue()).isEqualTo(143);
		await().atMost(Duration.ofSeconds(5)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
		assertThat(extractedDirectories()).as("extracted files after shutdown").isEmpty();
	}

	@Test
	void withoutAWebServerTheAppStaysUpUntilSigterm() throws Exception {
		start("--spring.main.web-application-type=none");
		awaitOutput(Pattern.compile("Started SampleApplication"));
		ProcessHandle child = await().atMost(STARTUP)
			.until(() -> this.application.children().findFirst(), (found) -> found.isPresent())
			.orElseThrow();
		await().during(Duration.ofSeconds(5))
			.atMost(Duration.ofSeconds(7))
			.until(() -> this.application.isAlive() && child.isAlive());
		this.application.destroy();
		assertThat(this.application.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.application.exitValue()).isEqualTo(143);
		await().atMost(Duration.ofSeconds(5)).until(() -> !child.isAlive());
		assertThat(extractedDirectories()).isEmpty();
	}

	private void start(String... arguments) throws IOException {
		Path tmp = Files.createDirectories(this.temp.resolve("tmp"));
		Path workingDirectory = Files.createDirectories(this.temp.resolve("elsewhere"));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + tmp,
						"-jar", jar().toString()));
		command.addAll(List.of(arguments));
		this.application = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.start();
		Thread reader = new Thread(this::collectOutput, "packaged-jar-output");
		reader.setDaemon(true);
		reader.start();
	}

	private void collectOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.application.getInputStream(), StandardCharsets.UTF_8))) {
			lines.lines().forEach((line) -> this.output.append(line).append('\n'));
		}
		catch (IOException | UncheckedIOException ex) {
			// the pipe closes when the application exits
		}
	}

	private Matcher awaitOutput(Pattern pattern) {
		return await().atMost(STARTUP)
			.failFast("the application exited:\n" + this.output, () -> !this.application.isAlive())
			.until(() -> pattern.matcher(this.output), Matcher::find);
	}

	private List<Path> extractedDirectories() throws IOException {
		try (Stream<Path> entries = Files.list(this.temp.resolve("tmp"))) {
			return entries.filter((path) -> path.getFileName().toString().startsWith("sidecar-channels-")).toList();
		}
	}

	private static Path jar() {
		String jar = System.getProperty("sample.jar");
		assertThat(jar).as("system property sample.jar (set by the pom)").isNotNull();
		Path path = Path.of(jar);
		assertThat(path).as("the repackaged jar; run this in the integration-test phase").isRegularFile();
		return path;
	}

	private static JsonNode post(int port, String path, String json) throws Exception {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	private static JsonNode get(int port, String path) throws Exception {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
	}

	private static JsonNode send(HttpRequest request) throws Exception {
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body());
	}

}
