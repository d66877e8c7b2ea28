package io.github.sidecarchannels.core.request;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.sidecarchannels.core.SidecarScheduler;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.GenericMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One sweep per sidecar instead of a task per request: every request that never settles
 * times out, whatever the order of the deadlines; settled ones never do and leave the
 * queue, which stays bounded.
 */
class RequestDeadlinesTests {

	private static final long HOUR = TimeUnit.HOURS.toNanos(1);

	private final SidecarScheduler scheduler = SidecarScheduler.create("deadlines-test");

	private final RequestDeadlines deadlines = new RequestDeadlines(this.scheduler, 16);

	private final Set<PendingRequest> expired = ConcurrentHashMap.newKeySet();

	private final Consumer<PendingRequest> onTimeout = (request) -> {
		this.expired.add(request);
		request.fail(new SidecarTimeoutException("test", Duration.ofMillis(1), "no reply arrived"));
	};

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void anEarlierDeadlineAddedAfterALaterOneStillExpires() {
		PendingRequest late = new PendingRequest(SidecarMetrics.NONE);
		this.deadlines.add(late, System.nanoTime() + HOUR, this.onTimeout);
		PendingRequest soon = new PendingRequest(SidecarMetrics.NONE);
		this.deadlines.add(soon, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), this.onTimeout);
		await().atMost(Duration.ofSeconds(30)).until(soon::isSettled);
		assertThat(soon.future()).isCompletedExceptionally();
		assertThat(this.expired).containsExactly(soon);
		assertThat(late.isSettled()).isFalse();
	}

	@Test
	void aSettledRequestAndItsReplyAreNotKeptAliveByTheQueue() {
		List<WeakReference<byte[]>> replies = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			PendingRequest request = new PendingRequest(SidecarMetrics.NONE);
			this.deadlines.add(request, System.nanoTime() + HOUR, this.onTimeout);
			byte[] reply = new byte[1024 * 1024];
			replies.add(new WeakReference<>(reply));
			request.succeed(new GenericMessage<>(reply));
		}
		// Fewer than the compaction threshold: all eight entries are still queued.
		assertThat(this.deadlines.size()).isEqualTo(8);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			System.gc();
			return replies.stream().allMatch((reply) -> reply.refersTo(null));
		});
	}

	@Test
	void everyUnsettledRequestExpiresAndNoSettledOneDoes() {
		List<PendingRequest> requests = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			PendingRequest request = new PendingRequest(SidecarMetrics.NONE);
			requests.add(request);
			// The settled ones have a deadline they cannot reach first, however slow the
			// machine; the sweeps for the others still walk past them.
			long wait = (i % 2 == 0) ? HOUR : TimeUnit.MILLISECONDS.toNanos((i * 7) % 100);
			this.deadlines.add(request, System.nanoTime() + wait, this.onTimeout);
			if (i % 2 == 0) {
				request.succeed(new GenericMessage<>("reply"));
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().allMatch(PendingRequest::isSettled));
		for (int i = 0; i < requests.size(); i++) {
			assertThat(this.expired.contains(requests.get(i))).as("request %d expired", i).isEqualTo(i % 2 == 1);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.deadlines.size() == 0);
	}

	@Test
	void settledRequestsDoNotPileUpUntilTheirDeadlines() {
		for (int i = 0; i < 100_000; i++) {
			PendingRequest request = new PendingRequest(SidecarMetrics.NONE);
			this.deadlines.add(request, System.nanoTime() + HOUR, this.onTimeout);
			request.succeed(new GenericMessage<>("reply"));
			assertThat(this.deadlines.size()).isLessThanOrEqualTo(2 * 16 + 64 + 1);
		}
		assertThat(this.expired).isEmpty();
	}

}
