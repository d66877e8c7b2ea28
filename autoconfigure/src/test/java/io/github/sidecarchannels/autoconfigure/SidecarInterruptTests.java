package io.github.sidecarchannels.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A terminal's Ctrl+C sends SIGINT to the application's whole process group. The children
 * are not in it, so they keep answering while the application stops them gracefully.
 */
@EnabledIf("setsidInstalled")
class SidecarInterruptTests {

	private static final Logger logger = LoggerFactory.getLogger(SidecarInterruptTests.class);

	@TempDir
	Path temp;

	@Test
	void ctrlCToTheApplicationsGroupDoesNotReachTheChildren() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		// The application leads its own group, like a program started from an interactive
		// shell.
		List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", java.toString()));
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), InterruptCheckApplication.class.getName(),
				Children.script("slow_recorder.py"), this.temp.resolve("read").toString()));
		Process application = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8))) {
			StringBuilder seen = new StringBuilder();
			String ready = awaitLine(output, "READY ", seen);
			long childPid = Long.parseLong(ready.substring(6).trim());
			assertThat(childPid).isPositive();
			Process interrupt = new ProcessBuilder("kill", "-INT", "--", "-" + application.pid()).inheritIO().start();
			assertThat(interrupt.waitFor()).isZero();
			String result = awaitLine(output, "RESULT ", seen);
			logger.info("after SIGINT to the application's group: {}", result);
			String[] parts = result.split(" ", 5);
			int answered = Integer.parseInt(parts[1]);
			int neverRead = Integer.parseInt(parts[2]);
			assertThat(parts[3]).as("requests failed otherwise, first: %s", parts[4]).isEqualTo("0");
			assertThat(answered + neverRead).isEqualTo(InterruptCheckApplication.REQUESTS);
			assertThat(Files.readAllLines(this.temp.resolve("read"))).hasSize(answered);
			assertThat(application.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			application.destroyForcibly();
		}
	}

	private static String awaitLine(BufferedReader output, String prefix, StringBuilder seen) throws Exception {
		String line;
		while ((line = output.readLine()) != null) {
			if (line.startsWith(prefix)) {
				return line;
			}
			seen.append(line).append('\n');
		}
		throw new AssertionError("the application ended without printing " + prefix + ":\n" + seen);
	}

	static boolean setsidInstalled() {
		return Files.isExecutable(Path.of("/usr/bin/setsid"));
	}

}
