package io.github.sidecarchannels.core.request;

import java.time.Duration;
import java.util.concurrent.CancellationException;

import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import org.junit.jupiter.api.Test;

import org.springframework.messaging.support.GenericMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's {@code max-in-flight} slot is returned once, by the correlation holding it,
 * also after it moved to another instance of a pool before it was written.
 */
class RequestSlotTests {

	private final IdCorrelation dead = new IdCorrelation(4);

	private final IdCorrelation target = new IdCorrelation(4);

	@Test
	void movedRequestAnsweredOnTheTargetReturnsTheTargetsSlotOnly() throws InterruptedException {
		PendingRequest request = moved(7);
		this.target.written(request);
		assertThat(this.target.complete(7, new GenericMessage<>("{}"), SidecarMetrics.Outcome.SUCCESS)).isTrue();
		assertThat(request.future()).isCompleted();
		assertThat(this.target.inFlight()).isZero();
		assertThat(this.dead.inFlight()).isZero();
	}

	@Test
	void cancellingAMovedRequestOnEveryInstanceReturnsOneSlot() throws InterruptedException {
		PendingRequest request = moved(8);
		this.target.written(request);
		CancellationException cancelled = new CancellationException("the caller cancelled the call");
		// The pool gives up on every instance, the dead one first.
		this.dead.giveUp(request, cancelled);
		this.target.giveUp(request, cancelled);
		assertThat(request.future()).isCompletedExceptionally();
		assertThat(this.dead.inFlight()).isZero();
		assertThat(this.target.inFlight()).isZero();
		assertThat(this.dead.tryAcquire(0)).isTrue();
		assertThat(this.dead.inFlight()).isEqualTo(1);
	}

	@Test
	void requestThatTimedOutAfterItMovedReturnsTheTargetsSlotWhenWritten() throws InterruptedException {
		PendingRequest request = moved(9);
		// A timeout fired by the dead instance's view before the move was seen.
		this.dead.timedOut(request, new SidecarTimeoutException("test", Duration.ofMillis(1), "no reply arrived"));
		assertThat(request.future()).isCompletedExceptionally();
		assertThat(this.target.inFlight()).isEqualTo(1);
		this.target.written(request);
		assertThat(this.target.inFlight()).isZero();
		assertThat(this.dead.inFlight()).isZero();
	}

	@Test
	void timeoutIsHandledByTheCorrelationHoldingTheSlot() throws InterruptedException {
		PendingRequest request = moved(10);
		assertThat(request.slotHolder(this.dead)).isSameAs(this.target);
		request.slotHolder(this.dead)
			.timedOut(request, new SidecarTimeoutException("test", Duration.ofMillis(1), "no reply arrived"));
		assertThat(this.target.inFlight()).isZero();
		assertThat(this.dead.inFlight()).isZero();
	}

	@Test
	void slotOfAReleasedRequestCannotMove() throws InterruptedException {
		PendingRequest request = held(this.dead, 11);
		this.dead.giveUp(request, new CancellationException("cancelled"));
		assertThat(request.moveSlot(this.dead, this.target)).isFalse();
		assertThat(request.slotHolder(this.target)).isSameAs(this.target);
		assertThat(this.dead.inFlight()).isZero();
	}

	@Test
	void requestWithoutANamedHolderIsReleasedByTheFirstAsBefore() {
		PendingRequest request = new PendingRequest(SidecarMetrics.NONE, "m", 12);
		assertThat(request.release(this.dead)).isTrue();
		assertThat(request.release(this.target)).isFalse();
	}

	/** Queued on the dead instance, then moved as the pool's redistribution does. */
	private PendingRequest moved(long id) throws InterruptedException {
		PendingRequest request = held(this.dead, id);
		assertThat(this.target.tryAcquire(0)).isTrue();
		assertThat(request.moveSlot(this.dead, this.target)).isTrue();
		this.dead.abandon();
		assertThat(this.dead.inFlight()).isZero();
		assertThat(this.target.inFlight()).isEqualTo(1);
		return request;
	}

	private static PendingRequest held(IdCorrelation correlation, long id) throws InterruptedException {
		PendingRequest request = new PendingRequest(SidecarMetrics.NONE, "m", id);
		assertThat(correlation.tryAcquire(0)).isTrue();
		request.holdsSlotOf(correlation);
		return request;
	}

}
