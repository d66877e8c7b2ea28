package io.github.sidecarchannels.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM killed with SIGKILL cannot stop its sidecars; the socketpair's end of file must:
 * {@code cat}, and children built on the Python and Node clients, exit on it.
 */
class SidecarOrphanTests {

	@Test
	void childrenExitWhenTheApplicationJvmIsKilled() throws Exception {
		String python = ClientMatrixTests.CLIENTS.resolve("python/examples/echo.py").toString();
		String node = ClientMatrixTests.CLIENTS.resolve("node/examples/echo.js").toString();
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString()));
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrphanCheckApplication.class.getName(),
				python, node));
		Process application = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			long[] pids = readPids(application);
			assertThat(pids).hasSize(3);
			for (long pid : pids) {
				assertThat(exited(pid)).as("pid %d before the kill", pid).isFalse();
			}
			application.destroyForcibly();
			await().atMost(Duration.ofSeconds(2)).until(() -> exited(pids[0]) && exited(pids[1]) && exited(pids[2]));
		}
		finally {
			application.destroyForcibly();
		}
	}

	/**
	 * Orphans are reparented to init, which in a container may never reap them: an exited
	 * child can stay a zombie, which {@link ProcessHandle#isAlive()} still counts as
	 * alive.
	 */
	private static boolean exited(long pid) throws IOException {
		Path stat = Path.of("/proc", Long.toString(pid), "stat");
		if (!Files.exists(stat)) {
			return true;
		}
		try {
			String line = Files.readString(stat);
			return line.charAt(line.lastIndexOf(')') + 2) == 'Z';
		}
		catch (NoSuchFileException ex) {
			return true;
		}
	}

	private static long[] readPids(Process application) throws Exception {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8));
		String line;
		StringBuilder seen = new StringBuilder();
		while ((line = output.readLine()) != null) {
			if (line.startsWith("PIDS ")) {
				String[] parts = line.substring(5).split(" ");
				// keep draining the output so the JVM never blocks on a full pipe
				Thread drain = new Thread(() -> {
					try {
						output.lines().forEach((ignored) -> {
						});
					}
					catch (java.io.UncheckedIOException ex) {
						// the pipe closes when the test kills the JVM: nothing left to
						// drain
					}
				});
				drain.setDaemon(true);
				drain.start();
				return java.util.Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
			}
			seen.append(line).append('\n');
		}
		throw new AssertionError("the application exited before starting its sidecars:\n" + seen);
	}

}
