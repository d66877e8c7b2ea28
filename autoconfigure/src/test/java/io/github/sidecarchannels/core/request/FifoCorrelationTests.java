package io.github.sidecarchannels.core.request;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.GenericMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The out-of-step rule of FIFO matching, request by request.
 */
class FifoCorrelationTests {

	private final AtomicInteger outOfStep = new AtomicInteger();

	private final FifoCorrelation correlation = new FifoCorrelation(16, this.outOfStep::incrementAndGet);

	@Test
	void oneLateReplyIsNormal() {
		PendingRequest held = written();
		timeOut(held);
		PendingRequest next = written();
		reply("held");
		reply("next");
		assertThat(next.future()).isCompletedWithValueMatching((message) -> message.getPayload().equals("next"));
		assertThat(this.outOfStep).hasValue(0);
	}

	@Test
	void secondLateReplyWithANewerRequestBehindIsOutOfStep() {
		PendingRequest skipped = written();
		timeOut(skipped);
		PendingRequest b = written();
		reply("b");
		assertThat(this.outOfStep).hasValue(0);
		timeOut(b);
		written();
		reply("c");
		assertThat(this.outOfStep).hasValue(1);
	}

	@Test
	void lateRepliesToRequestsWrittenBeforeTheFirstTimeoutAreNormal() {
		// A child that stalled with several requests in flight, then caught up.
		PendingRequest first = written();
		PendingRequest second = written();
		PendingRequest third = written();
		timeOut(first);
		timeOut(second);
		timeOut(third);
		reply("1");
		reply("2");
		reply("3");
		assertThat(this.outOfStep).hasValue(0);
	}

	@Test
	void aReplyToALiveRequestResetsTheCount() {
		PendingRequest skipped = written();
		timeOut(skipped);
		written();
		reply("late");
		reply("live");
		PendingRequest again = written();
		timeOut(again);
		written();
		reply("late again");
		assertThat(this.outOfStep).hasValue(0);
	}

	private PendingRequest written() {
		PendingRequest request = new PendingRequest(new SidecarMetrics() {
		});
		this.correlation.written(request);
		return request;
	}

	private void reply(String payload) {
		assertThat(this.correlation.complete(new GenericMessage<>(payload))).isTrue();
	}

	private static void timeOut(PendingRequest request) {
		request.fail(new SidecarTimeoutException("test", Duration.ofMillis(1), "no reply arrived"));
		long after = System.nanoTime();
		// Requests written from now on come strictly after the timeout.
		while (System.nanoTime() - after <= 0) {
			Thread.onSpinWait();
		}
	}

}
