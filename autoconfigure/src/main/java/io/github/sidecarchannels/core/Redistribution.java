package io.github.sidecarchannels.core;

import java.util.Comparator;
import java.util.List;

import io.github.sidecarchannels.core.Outbox.HandOver;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.MessageDeliveryException;

/**
 * Moves what a dead instance of a pool had accepted but never written (its carry-over and
 * its outbound queue) to the pool's ready instances, so that it does not wait for the
 * restart:
 * <ul>
 * <li>each message goes to the ready instance with the fewest outstanding that takes it
 * without waiting: its outbound queue and byte budget must have room
 * ({@code outbound-capacity} and {@code outbound-buffer-size} hold there too), and a
 * request needs a free {@code max-in-flight} slot there, which it takes while the dead
 * instance's slot is returned;</li>
 * <li>the first message no ready instance can take stops the hand-over: it and everything
 * after it stay, in order, for the restart, as they would without other instances;</li>
 * <li>a response to a call the dead instance's child made stays: only a child of that
 * instance can want it;</li>
 * <li>what was written but not read, and requests waiting for a reply, fail or are
 * reported as for one child.</li>
 * </ul>
 * Order is kept per instance, not across instances: what moves keeps its order on its new
 * instance, behind what waited there already.
 */
final class Redistribution {

	/** Marks a message meant for one instance's child only: it never moves. */
	static final String PINNED_HEADER = "sidecar_pinned_to_instance";

	private static final Logger logger = LoggerFactory.getLogger(Redistribution.class);

	private final List<DefaultSidecar> instances;

	Redistribution(List<DefaultSidecar> instances) {
		this.instances = instances;
	}

	/**
	 * @param dead an instance whose child is gone (restarting or failed)
	 */
	void from(DefaultSidecar dead) {
		if (readyBesides(dead).isEmpty()) {
			return;
		}
		int moved = dead.outbox().handOver((message) -> place(dead, message));
		if (moved > 0) {
			logger.info("Sidecar '{}': {} message(s) instance {} had not written went to other instances", dead.name(),
					moved, dead.definition().instance());
		}
	}

	private HandOver place(DefaultSidecar from, Outgoing message) {
		if (message.header(PINNED_HEADER) != null) {
			return HandOver.KEPT;
		}
		for (DefaultSidecar target : readyBesides(from)) {
			if ((message.request != null) ? moveRequest(from, target, message) : accept(target, message)) {
				return HandOver.MOVED;
			}
		}
		return HandOver.REFUSED;
	}

	private List<DefaultSidecar> readyBesides(DefaultSidecar dead) {
		return this.instances.stream()
			.filter((member) -> member != dead && member.state() == SidecarState.RUNNING)
			.sorted(Comparator.comparingInt(DefaultSidecar::outstanding))
			.toList();
	}

	/**
	 * The request's slot moves before its bytes, so that whatever settles it on the
	 * target (reply, timeout, cancellation) returns the target's slot; if the target's
	 * queue refuses it after all, the slot moves back unless it was returned meanwhile.
	 */
	private boolean moveRequest(DefaultSidecar from, DefaultSidecar to, Outgoing message) {
		PendingRequest request = message.request;
		RequestCorrelation source = from.correlation();
		RequestCorrelation target = to.correlation();
		if (!tryAcquire(target)) {
			return false;
		}
		if (!request.moveSlot(source, target)) {
			// Settled and released already: it holds no slot to move.
			target.abandon();
			return accept(to, message);
		}
		if (accept(to, message)) {
			source.abandon();
			return true;
		}
		if (request.moveSlot(target, source)) {
			target.abandon();
		}
		else {
			source.abandon();
		}
		return false;
	}

	private static boolean tryAcquire(RequestCorrelation correlation) {
		try {
			return correlation.tryAcquire(0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Without waiting: a full queue or budget refuses. */
	private static boolean accept(DefaultSidecar target, Outgoing message) {
		try {
			return target.outbox().accept(message, 0);
		}
		catch (MessageDeliveryException ex) {
			// Stopped meanwhile: not accepting any more.
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
