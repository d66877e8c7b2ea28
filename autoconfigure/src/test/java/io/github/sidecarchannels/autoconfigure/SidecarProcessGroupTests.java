package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every child leads a session of its own: nothing it starts outlives a stop, a restart or
 * its own end, no thread waits on a descendant holding the stderr pipe, and a runaway
 * stderr line is logged once.
 */
class SidecarProcessGroupTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path temp;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void stopEndsEveryProcessOfTheChildsSessionAndItsThreads() {
		this.runner.withPropertyValues("sidecar.processes.grp.command=sh,-c,sleep 1000 & exec cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.grp", Sidecar.class);
			long pid = sidecar.pid();
			// setsid executed the command in place: the pid we watch leads the session.
			assertThat(session(pid)).contains(pid);
			await().atMost(TIMEOUT).until(() -> sessionMembers(pid).size() == 2);
			sidecar.stop();
			assertThat(sessionMembers(pid)).isEmpty();
			await().atMost(TIMEOUT).until(() -> sidecarThreads("grp").isEmpty());
		});
	}

	@Test
	void restartEndsTheOldChildsDescendants() {
		this.runner.withPropertyValues("sidecar.processes.again.command=sh,-c,sleep 1000 & exec cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.again", Sidecar.class);
			long first = sidecar.pid();
			await().atMost(TIMEOUT).until(() -> sessionMembers(first).size() == 2);
			sidecar.restart();
			assertThat(sessionMembers(first)).isEmpty();
			long second = sidecar.pid();
			assertThat(second).isNotEqualTo(first);
			await().atMost(TIMEOUT).until(() -> sessionMembers(second).size() == 2);
		});
	}

	@Test
	void descendantsOfAChildThatExitedAreEndedToo() {
		Path pidFile = this.temp.resolve("grandchild");
		this.runner
			.withPropertyValues("sidecar.processes.forker.command=sh,-c,sleep 1000 & echo $! > " + pidFile + "; exit 0",
					"sidecar.processes.forker.restart.policy=never", "sidecar.processes.forker.startup.grace=0")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.forker", Sidecar.class);
				await().atMost(TIMEOUT).until(() -> Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n"));
				long grandchild = Long.parseLong(Files.readString(pidFile).trim());
				await().atMost(TIMEOUT).until(() -> sidecar.state() != SidecarState.RUNNING);
				await().atMost(TIMEOUT).until(() -> !running(grandchild));
				await().atMost(TIMEOUT).until(() -> sidecarThreads("forker").isEmpty());
			});
	}

	@Test
	void aFiftyMegabyteStderrLineIsOneLogEntry() {
		ch.qos.logback.classic.Logger childLogger = (ch.qos.logback.classic.Logger) LoggerFactory
			.getLogger("sidecar.flood");
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		childLogger.addAppender(appender);
		childLogger.setAdditive(false);
		try {
			this.runner
				.withPropertyValues("sidecar.processes.flood.command=python3," + Children.script("stderr_flood.py"))
				.run((context) -> {
					await().atMost(TIMEOUT).until(() -> appender.list.size() >= 2);
					List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
					assertThat(lines).hasSize(2);
					assertThat(lines.get(0)).startsWith("x".repeat(8192) + " [line truncated: 50000000 bytes in total")
						.hasSizeLessThan(8192 + 100);
					assertThat(lines.get(1)).isEqualTo("after");
				});
		}
		finally {
			childLogger.detachAppender(appender);
			childLogger.setAdditive(true);
		}
	}

	static List<Long> sessionMembers(long session) {
		return ProcessHandle.allProcesses()
			.map(ProcessHandle::pid)
			.filter((pid) -> session(pid).orElse(-1L) == session && running(pid))
			.toList();
	}

	private static List<String> sidecarThreads(String name) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((thread) -> thread.startsWith("sidecar-" + name + "-") && !thread.endsWith("-stop"))
			.toList();
	}

	/**
	 * Field 6 of /proc/pid/stat, counted after the command name, which may contain
	 * anything.
	 */
	private static Optional<Long> session(long pid) {
		return stat(pid).map((fields) -> Long.parseLong(fields[3]));
	}

	/** A zombie has exited; init may never reap an orphan in a container. */
	static boolean running(long pid) {
		return stat(pid).map((fields) -> !fields[0].equals("Z")).orElse(false);
	}

	private static Optional<String[]> stat(long pid) {
		try {
			String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return Optional.of(line.substring(line.lastIndexOf(')') + 2).split(" "));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

}
