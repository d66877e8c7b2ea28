package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.github.sidecarchannels.core.channel.SidecarChannel;
import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A sidecar of several instances of one definition ({@code instances}), each a
 * {@link DefaultSidecar} of its own: its own child, supervisor (restarts, backoff,
 * intensity limit), outbound queue and request correlation, so raw first-in-first-out
 * matching stays per instance and correct. What the pool adds:
 * <ul>
 * <li>routing ({@link #leastLoaded()}): every request, call and message goes to the ready
 * instance with the fewest outstanding; order is kept per instance, not across
 * instances;</li>
 * <li>redistribution ({@link Redistribution}): what a dead instance never wrote goes to
 * the ready ones;</li>
 * <li>fan-in: inbound messages and errors of every instance reach the pool's one inbound
 * and errors channel, inbound ones with the {@link Sidecar#INSTANCE_HEADER} header;</li>
 * <li>one state ({@link PoolState}): {@code RUNNING} while at least {@code min-ready}
 * instances are.</li>
 * </ul>
 */
final class SidecarPool implements Sidecar, ProtocolExchange {

	private static final Logger logger = LoggerFactory.getLogger(SidecarPool.class);

	private final SidecarDefinition definition;

	private final List<DefaultSidecar> instances;

	private final SidecarChannel inbound;

	private final SidecarChannel errors;

	private final MessageChannel outbound;

	private final List<SidecarStateListener> listeners = new CopyOnWriteArrayList<>();

	private final PoolState poolState;

	private final Redistribution redistribution;

	/** Where the search for the least loaded starts, turning: equal loads take turns. */
	private final AtomicInteger nextStart = new AtomicInteger();

	/**
	 * @param definition the pool's definition
	 * @param instance builds instance {@code i} (its definition says {@code instance: i})
	 */
	SidecarPool(SidecarDefinition definition, IntFunction<DefaultSidecar> instance) {
		this.definition = definition;
		this.instances = IntStream.range(0, definition.instances()).mapToObj(instance).toList();
		ErrorReporter reporter = this.instances.get(0).errorReporter();
		this.inbound = new SidecarChannel("sidecar." + name() + ".inbound",
				(message) -> reporter.inboundUnhandled(message, inbound()), reporter::inboundSubscriberFailed);
		this.errors = new SidecarChannel("sidecar." + name() + ".errors", this::errorUnhandled,
				(error, ex) -> logger.error("Sidecar '{}': an error-channel subscriber failed", name(), ex));
		this.outbound = (message, timeout) -> leastLoaded().outbound().send(message, timeout);
		this.poolState = new PoolState(definition.minReady(), this.instances);
		this.redistribution = new Redistribution(this.instances);
		for (DefaultSidecar member : this.instances) {
			member.inbound().subscribe(this.inbound::send);
			member.errors().subscribe(this.errors::send);
			member.addStateListener(this::instanceChanged);
		}
	}

	// ---- lifecycle: every instance's

	@Override
	public void start() {
		for (DefaultSidecar member : this.instances) {
			member.start();
		}
	}

	/**
	 * In parallel, so that stopping the pool takes one stop-timeout, not one per
	 * instance.
	 */
	@Override
	public void stop() {
		SidecarThreads.startAndJoin(this.instances.stream()
			.map((member) -> SidecarThreads.daemon(name(), "stop-" + member.definition().instance(), member::stop))
			.toList());
	}

	@Override
	public void restart() {
		stop();
		start();
	}

	/**
	 * An instance whose child is gone hands what it never wrote to the others, before a
	 * failed one reports what is left.
	 */
	private void instanceChanged(Sidecar member, SidecarState previous, SidecarState next, String reason) {
		DefaultSidecar instance = (DefaultSidecar) member;
		this.poolState.update(instance.definition().instance(), reason, this::poolChanged);
		if (next == SidecarState.RESTARTING || next == SidecarState.FAILED) {
			this.redistribution.from(instance);
		}
	}

	private void poolChanged(SidecarState previous, SidecarState next, String reason) {
		for (SidecarStateListener listener : this.listeners) {
			try {
				listener.stateChanged(this, previous, next, reason);
			}
			catch (RuntimeException ex) {
				logger.error("Sidecar '{}': state listener {} failed", name(), listener, ex);
			}
		}
	}

	// ---- routing

	/**
	 * @return the ready instance with the fewest outstanding; while none is ready, the
	 * accepting one (starting or restarting) with the fewest, whose buffer keeps what is
	 * sent until its child is ready; when none accepts, instance 0, whose refusal says
	 * why; among equals, each in turn
	 */
	DefaultSidecar leastLoaded() {
		DefaultSidecar best = null;
		int bestRank = Integer.MAX_VALUE;
		int size = this.instances.size();
		int start = Math.floorMod(this.nextStart.getAndIncrement(), size);
		for (int i = 0; i < size; i++) {
			DefaultSidecar member = this.instances.get((start + i) % size);
			SidecarState state = member.state();
			boolean ready = state == SidecarState.RUNNING;
			if (ready || state == SidecarState.STARTING || state == SidecarState.RESTARTING) {
				// Any ready instance ranks before any that is not.
				int rank = (ready ? 0 : Integer.MAX_VALUE / 2)
						+ Math.min(member.outstanding(), Integer.MAX_VALUE / 2 - 1);
				if (rank < bestRank) {
					best = member;
					bestRank = rank;
				}
			}
		}
		return (best != null) ? best : this.instances.get(0);
	}

	/** The instance a frame came from, by its header. */
	private DefaultSidecar instanceOf(Message<?> frame) {
		Object instance = frame.getHeaders().get(INSTANCE_HEADER);
		return (instance instanceof Integer index && index >= 0 && index < this.instances.size())
				? this.instances.get(index) : this.instances.get(0);
	}

	@Override
	public Message<?> request(Object payload, Duration timeout) {
		return leastLoaded().request(payload, timeout);
	}

	@Override
	public CompletableFuture<Message<?>> requestAsync(Object payload, Duration timeout) {
		return leastLoaded().requestAsync(payload, timeout);
	}

	// ---- the protocol layer's seam (json-rpc): ids are unique across the pool

	@Override
	public void routeFrames(Consumer<Message<?>> router) {
		this.instances.forEach((member) -> member.routeFrames(router));
	}

	@Override
	public PendingRequest call(long id, String method, ByteBuffer payload, Duration timeout) {
		return leastLoaded().call(id, method, payload, timeout);
	}

	@Override
	public boolean complete(long id, Message<?> response, boolean error) {
		return instanceOf(response).complete(id, response, error);
	}

	@Override
	public void abandon(PendingRequest call, RuntimeException cause) {
		this.instances.forEach((member) -> member.abandon(call, cause));
	}

	@Override
	public void deliverInbound(Message<?> message) {
		this.inbound.send(message);
	}

	@Override
	public void reportInbound(String type, String description, Message<?> message) {
		instanceOf(message).reportInbound(type, description, message);
	}

	@Override
	public void reportOutbound(String type, String description, RuntimeException cause) {
		this.instances.get(0).reportOutbound(type, description, cause);
	}

	@Override
	public void ready(Message<?> frame) {
		instanceOf(frame).becomeReady();
	}

	/**
	 * A response to a call the child made goes to that child, never to another instance.
	 */
	@Override
	public MessageChannel replyChannel(Message<?> frame) {
		MessageChannel member = instanceOf(frame).outbound();
		return (message, timeout) -> member.send(
				MessageBuilder.fromMessage(message).setHeader(Redistribution.PINNED_HEADER, Boolean.TRUE).build(),
				timeout);
	}

	/**
	 * @return the outbound of the instance holding the call, else the least loaded
	 */
	@Override
	public MessageChannel channelFor(PendingRequest call) {
		RequestCorrelation holder = call.heldBy();
		for (DefaultSidecar member : this.instances) {
			if (member.correlation() == holder) {
				return member.outbound();
			}
		}
		return leastLoaded().outbound();
	}

	@Override
	public void pingWith(Consumer<ProtocolExchange> ping) {
		this.instances.forEach((member) -> member.pingWith(ping));
	}

	/**
	 * @return instance 0's meters: the protocol layer's own meters are counted there
	 */
	@Override
	public SidecarMetrics metrics() {
		return this.instances.get(0).metrics();
	}

	private void errorUnhandled(Message<?> error) {
		logger.warn("{} (subscribe to {} to handle these)", ((Throwable) error.getPayload()).getMessage(), this.errors);
	}

	// ---- what it is

	@Override
	public void addStateListener(SidecarStateListener listener) {
		this.listeners.add(listener);
	}

	/** Each instance tells its own changes. */
	@Override
	public void addInstanceStateListener(SidecarStateListener listener) {
		this.instances.forEach((member) -> member.addStateListener(listener));
	}

	@Override
	public String name() {
		return this.definition.name();
	}

	/** Every instance was created with the same converter. */
	@Override
	public PayloadConverter payloadConverter() {
		return this.instances.get(0).payloadConverter();
	}

	@Override
	public SidecarDefinition definition() {
		return this.definition;
	}

	/**
	 * @return instance 0's child, else the first ready instance's, else -1
	 */
	@Override
	public long pid() {
		long first = this.instances.get(0).pid();
		if (first > 0) {
			return first;
		}
		return this.instances.stream().mapToLong(DefaultSidecar::pid).filter((pid) -> pid > 0).findFirst().orElse(-1);
	}

	@Override
	public SidecarState state() {
		return this.poolState.current();
	}

	@Override
	public @Nullable String lastFailure() {
		return this.instances.stream()
			.map(DefaultSidecar::lastFailure)
			.filter((f) -> f != null)
			.findFirst()
			.orElse(null);
	}

	@Override
	public List<String> stderrTail() {
		List<String> tail = new ArrayList<>();
		this.instances.forEach((member) -> tail.addAll(member.stderrTail()));
		return tail;
	}

	@Override
	public SidecarStatus status() {
		List<SidecarInstanceStatus> members = this.instances.stream().map(DefaultSidecar::instanceStatus).toList();
		int restarts = members.stream().mapToInt(SidecarInstanceStatus::restarts).sum();
		Integer lastExitCode = this.instances.stream()
			.map(DefaultSidecar::lastExitCode)
			.filter((code) -> code != null)
			.findFirst()
			.orElse(null);
		return new SidecarStatus(name(), state(), pid(), this.instances.get(0).uptime(), restarts, lastExitCode,
				lastFailure(), members);
	}

	@Override
	public MessageChannel outbound() {
		return this.outbound;
	}

	@Override
	public SubscribableChannel inbound() {
		return this.inbound;
	}

	@Override
	public SubscribableChannel errors() {
		return this.errors;
	}

	@Override
	public String toString() {
		return "Sidecar[" + name() + ", " + state() + ", " + this.instances.size() + " instances]";
	}

}
