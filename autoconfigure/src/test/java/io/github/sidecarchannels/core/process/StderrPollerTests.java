package io.github.sidecarchannels.core.process;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The JVM's one stderr poller, reading real {@code sh} children through
 * {@link ChildStderr}.
 */
class StderrPollerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<Process> processes = new ArrayList<>();

	private final List<ChildStderr> opened = new ArrayList<>();

	@AfterEach
	void cleanUp() {
		this.opened.forEach(ChildStderr::close);
		this.processes.forEach(Process::destroyForcibly);
	}

	@Test
	void everyChildOfManyHasItsLinesLoggedAndTailed() throws IOException {
		int children = 20;
		List<Deque<String>> tails = new ArrayList<>();
		List<ListAppender<ILoggingEvent>> appenders = new ArrayList<>();
		List<ChildStderr> stderrs = new ArrayList<>();
		for (int i = 0; i < children; i++) {
			Deque<String> tail = StderrLines.newTail();
			ListAppender<ILoggingEvent> appender = appender("stderr-poller-test.many." + i);
			stderrs.add(start(tail, appender, "for n in 1 2 3; do echo \"child " + i + " line $n\" >&2; done"));
			tails.add(tail);
			appenders.add(appender);
		}
		for (int i = 0; i < children; i++) {
			assertThat(stderrs.get(i).awaitDrained(TIMEOUT)).isTrue();
			List<String> expected = List.of("child " + i + " line 1", "child " + i + " line 2",
					"child " + i + " line 3");
			assertThat(StderrLines.snapshot(tails.get(i))).isEqualTo(expected);
			assertThat(appenders.get(i).list).extracting(ILoggingEvent::getFormattedMessage).isEqualTo(expected);
		}
	}

	@Test
	void linesAreSplitOnNewlinesWithoutTheirCarriageReturnAndTheLastOneCountsWithoutNewline() throws IOException {
		Deque<String> tail = StderrLines.newTail();
		ChildStderr stderr = start(tail, appender("stderr-poller-test.crlf"), "printf 'one\\r\\ntwo\\n\\nlast' >&2");
		assertThat(stderr.awaitDrained(TIMEOUT)).isTrue();
		assertThat(StderrLines.snapshot(tail)).containsExactly("one", "two", "", "last");
	}

	@Test
	void lineLongerThanMaxLineIsCutWithANote() throws IOException {
		Deque<String> tail = StderrLines.newTail();
		ChildStderr stderr = start(tail, appender("stderr-poller-test.long"),
				"head -c 20000 /dev/zero | tr '\\0' x >&2; echo >&2; echo short >&2");
		assertThat(stderr.awaitDrained(TIMEOUT)).isTrue();
		assertThat(StderrLines.snapshot(tail)).containsExactly("x".repeat(StderrLines.MAX_LINE)
				+ " [line truncated: 20000 bytes in total, the first " + StderrLines.MAX_LINE + " logged]", "short");
	}

	@Test
	void tailKeepsTheLastLines() throws IOException {
		Deque<String> tail = StderrLines.newTail();
		ChildStderr stderr = start(tail, appender("stderr-poller-test.tail"),
				"i=0; while [ $i -lt 120 ]; do i=$((i+1)); echo \"line $i\" >&2; done");
		assertThat(stderr.awaitDrained(TIMEOUT)).isTrue();
		List<String> lines = StderrLines.snapshot(tail);
		assertThat(lines).hasSize(StderrLines.TAIL_LINES).startsWith("line 71").endsWith("line 120");
	}

	@Test
	void descendantHoldingStderrOpenKeepsNothingAliveOnceClosed() throws IOException, InterruptedException {
		Deque<String> tail = StderrLines.newTail();
		ChildStderr held = start(tail, appender("stderr-poller-test.held"),
				"sleep 30 >&2 & echo \"descendant $!\" >&2; echo hi >&2");
		await().atMost(TIMEOUT).until(() -> StderrLines.snapshot(tail).contains("hi"));
		long descendant = Long.parseLong(StderrLines.snapshot(tail).get(0).substring("descendant ".length()));
		try {
			assertThat(this.processes.get(0).waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(ProcessHandle.of(descendant).map(ProcessHandle::isAlive)).contains(true);
			assertThat(held.awaitDrained(Duration.ZERO)).isFalse();
			held.close();
			assertThat(held.awaitDrained(TIMEOUT)).isTrue();
			assertThat(held.descriptor().valid()).isFalse();
			// The poller goes on serving others.
			Deque<String> next = StderrLines.newTail();
			ChildStderr other = start(next, appender("stderr-poller-test.after-held"), "echo after >&2");
			assertThat(other.awaitDrained(TIMEOUT)).isTrue();
			assertThat(StderrLines.snapshot(next)).containsExactly("after");
		}
		finally {
			ProcessHandle.of(descendant).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	@Test
	void registrationAfterTheSetEmptiedStartsTheThreadAgain() throws IOException {
		// A poller of its own: other tests' sidecars may keep the JVM's one busy.
		StderrPoller poller = StderrPoller.create();
		Deque<String> first = StderrLines.newTail();
		assertThat(start(poller, first, appender("stderr-poller-test.first"), "echo first >&2").awaitDrained(TIMEOUT))
			.isTrue();
		await().atMost(TIMEOUT).until(() -> !poller.isRunning());
		Deque<String> second = StderrLines.newTail();
		ChildStderr again = start(poller, second, appender("stderr-poller-test.second"), "echo second >&2");
		assertThat(poller.isRunning()).isTrue();
		assertThat(again.awaitDrained(TIMEOUT)).isTrue();
		assertThat(StderrLines.snapshot(first)).containsExactly("first");
		assertThat(StderrLines.snapshot(second)).containsExactly("second");
	}

	@Test
	void closedBeforeWatchingIsDrainedAndNeverRead() throws IOException {
		ChildStderr stderr = ChildStderr.open(LoggerFactory.getLogger("stderr-poller-test.unwatched"),
				StderrLines.newTail());
		stderr.close();
		assertThat(stderr.awaitDrained(Duration.ZERO)).isTrue();
		assertThat(stderr.descriptor().valid()).isFalse();
		stderr.watch();
		assertThat(stderr.isCloseRequested()).isTrue();
	}

	@Test
	void loggerThatThrowsKeepsTheLinesInTheTailAndThePollerAlive() throws IOException {
		Deque<String> tail = StderrLines.newTail();
		ChildStderr stderr = ChildStderr.open(new ThrowingLogger(), tail);
		this.opened.add(stderr);
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", "echo one >&2; echo two >&2");
		builder.redirectError(stderr.redirect());
		this.processes.add(builder.start());
		stderr.watch();
		assertThat(stderr.awaitDrained(TIMEOUT)).isTrue();
		assertThat(StderrLines.snapshot(tail)).containsExactly("one", "two");
		Deque<String> next = StderrLines.newTail();
		assertThat(start(next, appender("stderr-poller-test.after-throwing"), "echo fine >&2").awaitDrained(TIMEOUT))
			.isTrue();
		assertThat(StderrLines.snapshot(next)).containsExactly("fine");
	}

	private ChildStderr start(Deque<String> tail, ListAppender<ILoggingEvent> appender, String script)
			throws IOException {
		return start(StderrPoller.shared(), tail, appender, script);
	}

	private ChildStderr start(StderrPoller poller, Deque<String> tail, ListAppender<ILoggingEvent> appender,
			String script) throws IOException {
		ChildStderr stderr = ChildStderr.open(poller, LoggerFactory.getLogger(appender.getName()), tail);
		this.opened.add(stderr);
		ProcessBuilder builder = new ProcessBuilder("sh", "-c", script);
		builder.redirectInput(new File("/dev/null"));
		builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		builder.redirectError(stderr.redirect());
		this.processes.add(builder.start());
		stderr.watch();
		return stderr;
	}

	private static ListAppender<ILoggingEvent> appender(String loggerName) {
		Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.setName(loggerName);
		appender.start();
		logger.addAppender(appender);
		logger.setAdditive(false);
		logger.setLevel(ch.qos.logback.classic.Level.INFO);
		return appender;
	}

	/**
	 * A logger whose every call fails, as a broken appender configuration might.
	 */
	private static final class ThrowingLogger extends LegacyAbstractLogger {

		ThrowingLogger() {
			this.name = "stderr-poller-test.throwing";
		}

		@Override
		public boolean isTraceEnabled() {
			return true;
		}

		@Override
		public boolean isDebugEnabled() {
			return true;
		}

		@Override
		public boolean isInfoEnabled() {
			return true;
		}

		@Override
		public boolean isWarnEnabled() {
			return true;
		}

		@Override
		public boolean isErrorEnabled() {
			return true;
		}

		@Override
		protected String getFullyQualifiedCallerName() {
			return ThrowingLogger.class.getName();
		}

		@Override
		protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
				Object[] arguments, Throwable throwable) {
			throw new IllegalStateException("this logger always fails");
		}

	}

}
