package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.sidecarchannels.core.channel.Payloads;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.IdCorrelation;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.request.RequestDeadlines;
import io.github.sidecarchannels.core.transport.Outgoing;
import io.github.sidecarchannels.core.transport.WaitingCaller;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;

/**
 * Sends requests: the caller's arguments checked before anything is queued, a request
 * slot ({@code max-in-flight}) taken, the request queued in the {@link Outbox} and timed
 * out by the sidecar's {@link RequestDeadlines} sweep; all within the caller's timeout.
 * Raw requests come through {@link #requestAsync}, json-rpc calls (which carry ids)
 * through {@link #call}.
 */
final class RequestSender {

	private final String name;

	private final int maxInFlight;

	private final Payloads payloads;

	private final RequestCorrelation correlation;

	private final Outbox outbox;

	private final RequestDeadlines deadlines;

	private final SidecarMetrics metrics;

	RequestSender(SidecarDefinition definition, Payloads payloads, RequestCorrelation correlation, Outbox outbox,
			SidecarScheduler scheduler, SidecarMetrics metrics) {
		this.name = definition.name();
		this.maxInFlight = definition.maxInFlight();
		this.payloads = payloads;
		this.correlation = correlation;
		this.outbox = outbox;
		this.deadlines = new RequestDeadlines(scheduler, definition.maxInFlight());
		this.metrics = metrics;
	}

	Message<?> request(Object payload, Duration timeout) {
		try {
			return WaitingCaller.sends(() -> requestAsync(payload, timeout)).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException("Sidecar '" + this.name + "': interrupted while waiting for a reply");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new MessagingException("Sidecar '" + this.name + "': request failed", ex.getCause());
		}
	}

	CompletableFuture<Message<?>> requestAsync(Object payload, Duration timeout) {
		checkRequestArguments(payload, timeout);
		PendingRequest request = new PendingRequest(this.metrics);
		if (this.correlation instanceof IdCorrelation) {
			request.fail(this.payloads.reject(null, "requests on a json-rpc sidecar need ids; call through the "
					+ "sidecar." + this.name + ".rpc bean (SidecarRpc) instead, or set protocol: raw"));
			return request.future();
		}
		submit(request, payload, timeout);
		return request.future();
	}

	PendingRequest call(long id, String method, ByteBuffer payload, Duration timeout) {
		PendingRequest call = new PendingRequest(this.metrics, method, id);
		submit(call, payload, timeout);
		return call;
	}

	private void submit(PendingRequest request, Object payload, Duration timeout) {
		long deadline = request.startNanos() + timeout.toNanos();
		try {
			ByteBuffer bytes = this.payloads.toBytes(payload, null);
			if (!this.correlation.tryAcquire(remaining(deadline))) {
				request.fail(new SidecarTimeoutException(this.name, timeout,
						"no request slot freed up (max-in-flight " + this.maxInFlight + ")"));
				return;
			}
			request.holdsSlotOf(this.correlation);
			queue(request, bytes, deadline, timeout);
		}
		catch (MessageDeliveryException ex) {
			request.fail(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			request.fail(
					new MessageDeliveryException("Sidecar '" + this.name + "': interrupted while queueing a request"));
		}
	}

	/**
	 * A caller's mistake is thrown before anything is queued: nothing reaches the child.
	 */
	private void checkRequestArguments(@Nullable Object payload, @Nullable Duration timeout) {
		if (payload == null) {
			throw new IllegalArgumentException("Sidecar '" + this.name + "': the request payload must not be null");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException(
					"Sidecar '" + this.name + "': the request timeout must be positive, got " + timeout);
		}
	}

	private void queue(PendingRequest request, ByteBuffer bytes, long deadline, Duration timeout)
			throws InterruptedException {
		boolean queued;
		try {
			queued = this.outbox.accept(new Outgoing(bytes, request), remaining(deadline));
		}
		catch (MessageDeliveryException ex) {
			this.correlation.abandon();
			throw ex;
		}
		if (!queued) {
			this.correlation.abandon();
			request.fail(new SidecarTimeoutException(this.name, timeout, "the outbound buffer stayed full"));
			return;
		}
		// The correlation holding its slot then: in a pool, it may have moved to another
		// instance.
		this.deadlines.add(request, deadline, (expired) -> expired.slotHolder(this.correlation)
			.timedOut(expired, new SidecarTimeoutException(this.name, timeout, "no reply arrived")));
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

}
