package io.github.sidecarchannels.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.sidecarchannels.core.Sidecar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python and Node clients in {@code clients/} against the real Java side, in every
 * mode: {python, node} x {lines, length-prefixed, seqpacket} x {stdio, fd3}.
 */
class ClientMatrixTests {

	static final Path CLIENTS = Path.of(System.getProperty("user.dir")).getParent().resolve("clients");

	private static final int MAX = 64 * 1024;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	static Stream<Arguments> cells() {
		List<Arguments> cells = new ArrayList<>();
		for (String language : List.of("python", "node")) {
			for (String framing : List.of("lines", "length-prefixed", "seqpacket")) {
				for (String socket : List.of("stdio", "fd3")) {
					cells.add(Arguments.of(language, framing, socket));
				}
			}
		}
		return cells.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("cells")
	void echoesEveryByteOfAThousandMessages(String language, String framing, String socket) {
		String transport = framing.equals("seqpacket") ? "seqpacket" : "stream";
		this.runner
			.withPropertyValues("sidecar.processes.echo.command=" + command(language),
					"sidecar.processes.echo.transport=" + transport,
					"sidecar.processes.echo.framing=" + (framing.equals("seqpacket") ? "lines" : framing),
					"sidecar.processes.echo.socket=" + socket, "sidecar.processes.echo.max-message-size=" + MAX + "B")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.echo", Sidecar.class);
				List<Object> sent = messages(framing);
				List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
				for (Object message : sent) {
					replies.add(sidecar.requestAsync(message, TIMEOUT));
				}
				for (int i = 0; i < sent.size(); i++) {
					Object reply = replies.get(i).get(60, TimeUnit.SECONDS).getPayload();
					if (framing.equals("lines")) {
						assertThat(reply).as("message %d", i).isEqualTo(sent.get(i));
					}
					else {
						assertThat((byte[]) reply).as("message %d", i).isEqualTo(sent.get(i));
					}
				}
				ProcessHandle child = ProcessHandle.of(sidecar.pid()).orElseThrow();
				sidecar.stop();
				assertThat(child.isAlive()).isFalse();
				assertThat(sidecar.status().lastExitCode()).isZero();
			});
	}

	@Test
	void fd3ChildThatPrintsJunkToStdoutStillWorksAndTheJunkIsLogged() {
		this.runner
			.withPropertyValues("sidecar.processes.noisy.command[0]=python3", "sidecar.processes.noisy.command[1]=-c",
					"sidecar.processes.noisy.command[2]=import sys; sys.path.insert(0, '" + CLIENTS.resolve("python")
							+ "'); import sidecar_channel; "
							+ "print('junk on stdout', flush=True); sidecar_channel.serve(lambda m: m.upper())",
					"sidecar.processes.noisy.socket=fd3")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.noisy", Sidecar.class);
				assertThat(sidecar.request("quiet please", TIMEOUT).getPayload()).isEqualTo("QUIET PLEASE");
				org.awaitility.Awaitility.await()
					.atMost(TIMEOUT)
					.until(() -> sidecar.stderrTail().contains("junk on stdout"));
			});
	}

	@Test
	void clientSelfTestsPass() throws Exception {
		Process tests = new ProcessBuilder("python3", CLIENTS.resolve("test_clients.py").toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(tests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(tests.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(tests.exitValue()).as(output).isZero();
		assertThat(output).contains("OK");
	}

	private static String command(String language) {
		return language.equals("python") ? "python3," + CLIENTS.resolve("python/examples/echo.py")
				: "node," + CLIENTS.resolve("node/examples/echo.js");
	}

	/**
	 * A thousand messages: multi-byte UTF-8, one of max-message-size - 1 bytes, binary
	 * where allowed.
	 */
	private static List<Object> messages(String framing) {
		Random random = new Random(42);
		List<Object> messages = new ArrayList<>();
		for (int i = 0; i < 999; i++) {
			String text = "message " + i + " héllo wörld ✓ 日本 😀";
			if (framing.equals("lines")) {
				messages.add(text);
			}
			else {
				byte[] bytes = new byte[1 + random.nextInt(300)];
				random.nextBytes(bytes);
				messages.add((i % 2 == 0) ? text.getBytes(StandardCharsets.UTF_8) : bytes);
			}
		}
		String tail = "ü😀";
		String largest = "a".repeat(MAX - 1 - tail.getBytes(StandardCharsets.UTF_8).length) + tail;
		messages.add(500, framing.equals("lines") ? largest : largest.getBytes(StandardCharsets.UTF_8));
		return messages;
	}

}
