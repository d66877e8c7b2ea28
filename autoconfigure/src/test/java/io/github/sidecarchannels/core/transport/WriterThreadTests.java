package io.github.sidecarchannels.core.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The writer thread exists only while there is draining to do, and a little after.
 */
class WriterThreadTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final BlockingQueue<Integer> drained = new LinkedBlockingQueue<>();

	@Test
	void aHandOverStartsTheThreadWhichEndsAfterItsKeepAliveAndComesBackForTheNext() throws Exception {
		WriterThread writer = new WriterThread("keepalive", this.drained::add, 50);
		writer.handOver(3);
		assertThat(this.drained.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
		await().atMost(TIMEOUT).until(() -> !threadNames().contains("sidecar-keepalive-writer"));
		writer.handOver(1);
		assertThat(this.drained.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
		writer.end();
		await().atMost(TIMEOUT).until(() -> !threadNames().contains("sidecar-keepalive-writer"));
	}

	@Test
	void aWaitingThreadTakesTheNextHandOverWithoutAnotherThread() throws Exception {
		WriterThread writer = new WriterThread("reused", this.drained::add, TIMEOUT.toMillis());
		writer.handOver(1);
		assertThat(this.drained.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
		writer.handOver(2);
		assertThat(this.drained.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(threadNames()).filteredOn("sidecar-reused-writer"::equals).hasSize(1);
		writer.end();
		await().atMost(TIMEOUT).until(() -> !threadNames().contains("sidecar-reused-writer"));
	}

	private static List<String> threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
	}

}
