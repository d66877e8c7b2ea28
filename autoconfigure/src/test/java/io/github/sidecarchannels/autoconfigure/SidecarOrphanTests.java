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
 * A JVM killed with SIGKILL cannot stop its sidecars; the socketpair's end of file must.
 */
class SidecarOrphanTests {

	@Test
	void childrenExitWhenTheApplicationJvmIsKilled() throws Exception {
		String python = ClientMatrixTests.CLIENTS.resolve("python/examples/echo.py").toString();
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		List<String> command = new ArrayList<>(List.of(java.toString()));
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), OrphanCheckApplication.class.getName(),
				python));
		Process application = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			long[] pids = readPids(application);
			ProcessHandle cat = ProcessHandle.of(pids[0]).orElseThrow();
			ProcessHandle pythonChild = ProcessHandle.of(pids[1]).orElseThrow();
			assertThat(cat.isAlive()).isTrue();
			assertThat(pythonChild.isAlive()).isTrue();
			application.destroyForcibly();
			await().atMost(Duration.ofSeconds(2)).until(() -> exited(pids[0]) && exited(pids[1]));
		}
		finally {
			application.destroyForcibly();
		}
	}

	/**
	 * Orphans are reparented to init, which in a container may never reap them: an exited child can stay
	 * a zombie, which {@link ProcessHandle#isAlive()} still counts as alive.
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
				String[] parts = line.split(" ");
				// keep draining the output so the JVM never blocks on a full pipe
				Thread drain = new Thread(() -> output.lines().forEach((ignored) -> {
				}));
				drain.setDaemon(true);
				drain.start();
				return new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) };
			}
			seen.append(line).append('\n');
		}
		throw new AssertionError("the application exited before starting its sidecars:\n" + seen);
	}

}
