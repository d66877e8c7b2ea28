package io.github.sidecarchannels.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's non-daemon keep-alive thread: an application whose job is its sidecars
 * stays up, and exits when its context closes.
 */
class SidecarKeepAliveTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void aNonDaemonThreadRunsWhileTheSidecarsRunAndEndsWithTheContext() {
		Set<Thread> before = keepAliveThreads();
		Set<Thread> started = new HashSet<>();
		this.runner.withPropertyValues("sidecar.processes.cat.command=cat").run((context) -> {
			started.addAll(keepAliveThreads());
			started.removeAll(before);
			assertThat(started).as("keep-alive threads of this context").hasSize(1);
			assertThat(started.iterator().next().isDaemon()).isFalse();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
	}

	@Test
	void noKeepAliveThreadWhenTurnedOff() {
		Set<Thread> before = keepAliveThreads();
		this.runner.withPropertyValues("sidecar.keep-alive=false", "sidecar.processes.cat.command=cat")
			.run((context) -> assertThat(keepAliveThreads()).isSubsetOf(before));
	}

	@Test
	void noKeepAliveThreadWithoutAnAutoStartupSidecar() {
		Set<Thread> before = keepAliveThreads();
		this.runner.withPropertyValues("sidecar.processes.cat.command=cat", "sidecar.processes.cat.auto-startup=false")
			.run((context) -> assertThat(keepAliveThreads()).isSubsetOf(before));
	}

	@Test
	void nonWebApplicationStaysUpAndStopsCleanlyOnSigterm() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString()));
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), KeepAliveApplication.class.getName()));
		Process application = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			ProcessHandle child = ProcessHandle.of(readPid(application)).orElseThrow();
			await().during(Duration.ofSeconds(5))
				.atMost(Duration.ofSeconds(7))
				.until(() -> application.isAlive() && child.isAlive());
			application.destroy();
			await().atMost(Duration.ofSeconds(20)).until(() -> !application.isAlive());
			// 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (context close) and
			// exited.
			assertThat(application.exitValue()).isEqualTo(143);
			await().atMost(Duration.ofSeconds(5)).until(() -> !child.isAlive());
		}
		finally {
			application.destroyForcibly();
		}
	}

	/**
	 * Other test classes' cached contexts may hold one too: compare with the threads
	 * before.
	 */
	private static Set<Thread> keepAliveThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(SidecarLifecycle.KEEP_ALIVE_THREAD) && thread.isAlive())
			.collect(Collectors.toSet());
	}

	private static long readPid(Process application) throws IOException {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8));
		StringBuilder seen = new StringBuilder();
		String line;
		while ((line = output.readLine()) != null) {
			if (line.startsWith("PID ")) {
				drain(output);
				return Long.parseLong(line.substring(4).trim());
			}
			seen.append(line).append('\n');
		}
		throw new AssertionError("the application exited before starting its sidecar:\n" + seen);
	}

	/** Keeps reading the output so the JVM never blocks on a full pipe. */
	private static void drain(BufferedReader output) {
		Thread drain = new Thread(() -> {
			try {
				output.lines().forEach((ignored) -> {
				});
			}
			catch (java.io.UncheckedIOException ex) {
				// the pipe closes when the JVM exits: nothing left to drain
			}
		}, "keep-alive-test-drain");
		drain.setDaemon(true);
		drain.start();
	}

}
