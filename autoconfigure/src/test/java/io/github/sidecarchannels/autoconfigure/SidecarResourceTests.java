package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Restarts leak nothing, and the sidecars open no door to the outside.
 */
class SidecarResourceTests {

	private static final Logger logger = LoggerFactory.getLogger(SidecarResourceTests.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	/** Room for JVM-internal threads and descriptors that come and go on their own. */
	private static final int TOLERANCE = 4;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void fiveHundredRestartsLeaveDescriptorsAndThreadsAtTheirBaseline() {
		// One warm-up context creates the JVM's lazily started helpers (process reaper,
		// timer) first.
		this.runner.withPropertyValues("sidecar.processes.warm.command=cat").run((context) -> {
		});
		int baseFds = openDescriptors();
		int baseThreads = liveThreads();
		this.runner.withPropertyValues("sidecar.processes.flaky.command=true",
				"sidecar.processes.flaky.startup.grace=0", "sidecar.processes.flaky.restart.policy=always",
				"sidecar.processes.flaky.restart.initial-delay=10ms", "sidecar.processes.flaky.restart.multiplier=1.0",
				"sidecar.processes.flaky.restart.max-restarts=500")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.flaky", Sidecar.class);
				// Giving up after the last allowed restart is a failure, even for clean
				// exits.
				await().atMost(TIMEOUT).until(() -> sidecar.state() == SidecarState.FAILED);
				assertThat(sidecar.status().restarts()).isEqualTo(500);
			});
		await().atMost(TIMEOUT).until(() -> openDescriptors() <= baseFds + TOLERANCE);
		await().atMost(TIMEOUT).until(() -> liveThreads() <= baseThreads + TOLERANCE);
		logger.info("leaks: after 500 restarts fds {} (baseline {}), threads {} (baseline {})", openDescriptors(),
				baseFds, liveThreads(), baseThreads);
	}

	@Test
	void runningSidecarsListenOnNoSocket() throws IOException {
		// Only sockets the sidecars add count: the JVM may hold its own (the attach
		// listener, say).
		Set<String> before = socketInodes();
		this.runner
			.withPropertyValues("sidecar.processes.a.command=cat", "sidecar.processes.b.command=cat",
					"sidecar.processes.b.transport=seqpacket", "sidecar.processes.b.max-message-size=4KB")
			.run((context) -> {
				assertThat(context.getBean("sidecar.b", Sidecar.class).request("x", Duration.ofSeconds(30)))
					.isNotNull();
				Set<String> ours = socketInodes();
				ours.removeAll(before);
				assertThat(ours).as("the sidecars' sockets").hasSizeGreaterThanOrEqualTo(2);
				for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length >= 7 && ours.contains(fields[6])) {
						assertThat(Integer.parseInt(fields[3], 16) & 0x10000).as("listening flag: " + line).isZero();
						assertThat(fields.length).as("bound path or abstract name: " + line).isEqualTo(7);
					}
				}
				for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
					for (String line : Files.readAllLines(Path.of(table))) {
						String[] fields = line.trim().split("\\s+");
						boolean listening = fields.length > 9 && fields[3].equals("0A");
						assertThat(listening && ours.contains(fields[9])).as("TCP listener: " + line).isFalse();
					}
				}
			});
	}

	private static Set<String> socketInodes() throws IOException {
		Set<String> inodes = new HashSet<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			for (Path fd : fds.toList()) {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring(8, target.length() - 1));
					}
				}
				catch (IOException ex) {
					// the descriptor was closed while we listed them
				}
			}
		}
		return inodes;
	}

	private static int openDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return (int) fds.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int liveThreads() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

}
