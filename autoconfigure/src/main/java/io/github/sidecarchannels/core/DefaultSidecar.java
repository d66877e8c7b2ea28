package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.channel.InboundHeaders;
import io.github.sidecarchannels.core.channel.OutboundChannel;
import io.github.sidecarchannels.core.channel.Payloads;
import io.github.sidecarchannels.core.channel.SidecarChannel;
import io.github.sidecarchannels.core.framing.FrameDecoder;
import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.process.StderrPump;
import io.github.sidecarchannels.core.request.FifoCorrelation;
import io.github.sidecarchannels.core.request.IdCorrelation;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.supervision.Supervisor;
import io.github.sidecarchannels.core.transport.ChildConnection;
import io.github.sidecarchannels.core.transport.OutboundBudget;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.GenericMessage;

/**
 * A sidecar, assembled from its parts; read it as a table of contents:
 * <ul>
 * <li>lifecycle, restarts and state: the {@link Supervisor}, which launches children
 * through a {@link ProcessRunner};</li>
 * <li>one child's life (process tree, connection threads, stderr, its end):
 * {@link ProcessChild};</li>
 * <li>the outbound queue, bounded in messages and in bytes ({@link OutboundBudget}),
 * which outlives children so messages accepted during a restart go to the next one, and
 * what a dead child never wrote ({@link #carryOver});</li>
 * <li>request/reply: {@link RequestCorrelation}, first in first out for raw, by id for
 * json-rpc, whose layer on top reaches the sidecar through {@link ProtocolExchange};</li>
 * <li>what cannot be delivered: {@link ErrorReporter}.</li>
 * </ul>
 */
final class DefaultSidecar implements Sidecar, FrameDecoder.FrameSink, Supervisor.Events, ProtocolExchange {

	private static final Logger logger = LoggerFactory.getLogger(DefaultSidecar.class);

	private static final String OUT_OF_STEP = "was restarted because its reply stream is out of step: replies "
			+ "kept arriving for requests that had already timed out, so the child skipped a reply (or answers "
			+ "slower than the request timeout) and every later reply would go to the wrong request; raw "
			+ "request/reply matches replies by order only, use protocol: json-rpc to match them by id";

	private final SidecarDefinition definition;

	private final ChildConnection.Settings connectionSettings;

	private final Payloads payloads;

	private final SidecarMetrics metrics;

	private final SidecarScheduler scheduler;

	private final Logger childLogger;

	private final Deque<String> stderrTail = StderrPump.newTail();

	private final BlockingQueue<Outgoing> outboundQueue;

	private final OutboundBudget outboundBudget;

	private final RequestCorrelation correlation;

	private final ErrorReporter errorReporter;

	private final SidecarChannel inbound;

	private final OutboundChannel outbound;

	private final Supervisor supervisor;

	private final List<SidecarStateListener> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Integer lastExitCode;

	/**
	 * Built once per child: its fixed headers, plus an id and a timestamp per message.
	 */
	private volatile InboundHeaders inboundHeaders = new InboundHeaders(Map.of());

	/**
	 * Accepted by a dead connection's writer but never written; goes first to the next
	 * child.
	 */
	private volatile List<Outgoing> carryOver = List.of();

	/**
	 * Written to a dead child that never read them: reported before anything accepted
	 * after them.
	 */
	private final AtomicReference<List<Outgoing>> unread = new AtomicReference<>(List.of());

	/** The protocol layer that sees every frame first, if one is attached. */
	private volatile @Nullable Consumer<Message<?>> router;

	private volatile PayloadConverter payloadConverter = PayloadConverter.plain();

	/** How the protocol layer asks a child for a sign of life, if it can. */
	private volatile @Nullable Consumer<ProtocolExchange> ping;

	DefaultSidecar(SidecarDefinition definition, SidecarScheduler scheduler,
			Function<Supplier<SidecarState>, SidecarMetrics> metricsFactory) {
		this.definition = definition;
		this.scheduler = scheduler;
		Framing framing = Framing.of(definition);
		this.connectionSettings = new ChildConnection.Settings(framing, definition.maxMessageSize());
		this.payloads = new Payloads(definition.name(), framing, definition.maxMessageSize());
		this.childLogger = LoggerFactory.getLogger("sidecar." + definition.name());
		this.outboundQueue = new ArrayBlockingQueue<>(definition.outboundCapacity());
		this.outboundBudget = new OutboundBudget(definition.outboundBufferSize());
		this.correlation = (definition.protocol() == Protocol.JSON_RPC) ? new IdCorrelation(definition.maxInFlight())
				: new FifoCorrelation(definition.maxInFlight(), this::replyStreamOutOfStep);
		this.supervisor = new Supervisor(definition.name(), definition.restartPolicy(), new ProcessRunner(this),
				scheduler, this);
		this.metrics = metricsFactory.apply(this.supervisor::state);
		this.errorReporter = new ErrorReporter(definition.name(), this.metrics, this.correlation);
		this.inbound = new SidecarChannel("sidecar." + definition.name() + ".inbound", this::inboundUnhandled,
				this.errorReporter::inboundSubscriberFailed);
		this.outbound = new OutboundChannel(definition.name(), this.payloads, this::accept);
	}

	// ---- typed payloads: the converter given at creation

	@Override
	public PayloadConverter payloadConverter() {
		return this.payloadConverter;
	}

	DefaultSidecar payloadConverter(PayloadConverter converter) {
		this.payloadConverter = converter;
		return this;
	}

	// ---- lifecycle: the supervisor's

	@Override
	public void start() {
		this.supervisor.start();
	}

	@Override
	public void stop() {
		this.supervisor.stop();
	}

	@Override
	public void restart() {
		this.supervisor.restart();
	}

	@Override
	public void stateChanged(SidecarState previous, SidecarState next, String reason) {
		String label = (this.definition.instances() > 1) ? name() + "' instance " + this.definition.instance()
				: name() + "'";
		if (next == SidecarState.FAILED) {
			logger.error("Sidecar '{} {} -> {}: {}", label, previous, next, reason);
		}
		else if (next == SidecarState.RESTARTING) {
			logger.warn("Sidecar '{} {} -> {}: {}", label, previous, next, reason);
		}
		else {
			logger.info("Sidecar '{} {} -> {}: {}", label, previous, next, reason);
		}
		for (SidecarStateListener listener : this.listeners) {
			try {
				listener.stateChanged(this, previous, next, reason);
			}
			catch (RuntimeException ex) {
				logger.error("Sidecar '{}': state listener {} failed", name(), listener, ex);
			}
		}
	}

	@Override
	public void restarted() {
		this.metrics.restarted();
	}

	// ---- what children share: called by ProcessChild

	void connected(long pid) {
		this.inboundHeaders = new InboundHeaders(
				Map.of(NAME_HEADER, name(), PID_HEADER, pid, INSTANCE_HEADER, this.definition.instance()));
	}

	/**
	 * @param unwritten accepted but never written: for the next child
	 * @param unread written but never read by the child: reported, by
	 * {@link #reportUnread} or first thing in {@link #undeliverable}
	 */
	void disconnected(@Nullable Integer exitCode, List<Outgoing> unwritten, List<Outgoing> unread) {
		this.lastExitCode = exitCode;
		this.carryOver = unwritten;
		this.unread.set(unread);
	}

	List<Outgoing> takeCarryOver() {
		List<Outgoing> taken = this.carryOver;
		this.carryOver = List.of();
		return taken;
	}

	SidecarScheduler scheduler() {
		return this.scheduler;
	}

	ChildConnection.Settings connectionSettings() {
		return this.connectionSettings;
	}

	BlockingQueue<Outgoing> outboundQueue() {
		return this.outboundQueue;
	}

	OutboundBudget outboundBudget() {
		return this.outboundBudget;
	}

	RequestCorrelation correlation() {
		return this.correlation;
	}

	@Override
	public SidecarMetrics metrics() {
		return this.metrics;
	}

	Logger childLogger() {
		return this.childLogger;
	}

	Deque<String> stderrBuffer() {
		return this.stderrTail;
	}

	// ---- what cannot be delivered

	/**
	 * The carry-over and the queue, in order; the queue stays open for the next child.
	 */
	@Override
	public void undeliverable(String reason) {
		reportUnread();
		List<Outgoing> unwritten = new ArrayList<>(takeCarryOver());
		this.outboundQueue.drainTo(unwritten);
		unwritten.remove(Outgoing.END_OF_INPUT);
		this.outboundBudget.release(unwritten.stream().mapToLong(Outgoing::size).sum());
		this.errorReporter.undelivered(unwritten, reason, this.lastExitCode, this::stderrTail);
	}

	/**
	 * Written to a child that is gone now, but never read by it: reported, never written
	 * again.
	 */
	void reportUnread() {
		List<Outgoing> unread = this.unread.getAndSet(List.of());
		for (Outgoing message : unread) {
			if (message.request != null) {
				this.correlation.retract(message.request);
			}
		}
		this.errorReporter.undelivered(unread, "the child never read it", this.lastExitCode, this::stderrTail);
	}

	private void inboundUnhandled(Message<?> message) {
		this.errorReporter.inboundUnhandled(message, this.inbound);
	}

	// ---- inbound

	@Override
	public void frame(Object payload, int size) {
		this.metrics.received(size);
		Supervisor.Child current = this.supervisor.child();
		if (current instanceof ProcessChild child) {
			child.heard();
		}
		if (this.router == null && isReadyMessage(payload)) {
			becomeReady();
			return;
		}
		Message<Object> message = new GenericMessage<>(payload, this.inboundHeaders.next());
		Consumer<Message<?>> router = this.router;
		if (router != null) {
			router.accept(message);
		}
		else if (!this.correlation.complete(message)) {
			this.inbound.send(message);
		}
	}

	/**
	 * In raw mode, the child that is still to signal readiness does so with the ready
	 * message.
	 */
	private boolean isReadyMessage(Object payload) {
		if (!(this.supervisor.child() instanceof ProcessChild child) || !child.isAwaitingReady()) {
			return false;
		}
		String expected = this.definition.readyMessage();
		return (payload instanceof byte[] bytes) ? Arrays.equals(bytes, expected.getBytes(StandardCharsets.UTF_8))
				: expected.equals(payload);
	}

	@Override
	public void ready(Message<?> frame) {
		becomeReady();
	}

	/** The current child signalled readiness: it is written to from now on. */
	void becomeReady() {
		if (this.supervisor.child() instanceof ProcessChild child) {
			child.ready();
		}
	}

	/**
	 * A dropped frame still answered something: it fails the oldest request, so later
	 * replies keep lining up with their own requests.
	 */
	@Override
	public void problem(String type, String description, boolean frameDropped) {
		this.metrics.error(type);
		logger.warn("Sidecar '{}': {}", name(), description);
		if (frameDropped) {
			this.correlation.failOldest(
					new MessageDeliveryException("Sidecar '" + name() + "': the reply was dropped: " + description));
		}
	}

	/**
	 * The child skipped a reply (or answers slower than the timeouts): every later reply
	 * would go to the request before its own. Only a new child puts the stream back in
	 * step.
	 */
	private void replyStreamOutOfStep() {
		this.metrics.error("out-of-step");
		if (this.supervisor.child() instanceof ProcessChild child) {
			child.restartOutOfStep(OUT_OF_STEP);
		}
	}

	// ---- outbound

	/**
	 * Queue a message for the writer. While the sidecar restarts, the message waits for
	 * the next child.
	 * @param timeoutNanos negative to wait as long as it takes
	 * @return false if the queue stayed full for the whole timeout
	 */
	private boolean accept(Outgoing message, long timeoutNanos) throws InterruptedException {
		requireAccepting(message);
		requireFits(message);
		long deadline = System.nanoTime() + timeoutNanos;
		if (!this.outboundBudget.acquire(message.size(), timeoutNanos)) {
			return false;
		}
		if (!offer(message, (timeoutNanos < 0) ? -1 : remaining(deadline))) {
			this.outboundBudget.release(message.size());
			return false;
		}
		// The sidecar may have stopped for good while we waited: take the message back
		// rather than strand it.
		if (!isAccepting(state()) && this.outboundQueue.remove(message)) {
			this.outboundBudget.release(message.size());
			requireAccepting(message);
		}
		return true;
	}

	private boolean offer(Outgoing message, long timeoutNanos) throws InterruptedException {
		if (timeoutNanos < 0) {
			this.outboundQueue.put(message);
			return true;
		}
		return this.outboundQueue.offer(message, timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void requireFits(Outgoing message) {
		if (message.size() > this.outboundBudget.limit()) {
			throw this.payloads.reject(message.message(),
					"the payload is " + message.size() + " bytes, more than outbound-buffer-size ("
							+ this.outboundBudget.limit()
							+ " bytes); raise outbound-buffer-size or send smaller messages");
		}
	}

	private static boolean isAccepting(SidecarState state) {
		return state == SidecarState.RUNNING || state == SidecarState.RESTARTING || state == SidecarState.STARTING;
	}

	private void requireAccepting(Outgoing message) {
		SidecarState current = state();
		if (!isAccepting(current)) {
			String reason = this.supervisor.stateReason();
			String why = (reason != null) ? ": " + reason : " (it was never started)";
			throw this.payloads.reject(message.message(), "cannot send while the sidecar is " + current + why);
		}
	}

	@Override
	public Message<?> request(Object payload, Duration timeout) {
		try {
			return requestAsync(payload, timeout).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException("Sidecar '" + name() + "': interrupted while waiting for a reply");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new MessagingException("Sidecar '" + name() + "': request failed", ex.getCause());
		}
	}

	@Override
	public CompletableFuture<Message<?>> requestAsync(Object payload, Duration timeout) {
		checkRequestArguments(payload, timeout);
		PendingRequest request = new PendingRequest(this.metrics);
		if (this.correlation instanceof IdCorrelation) {
			request.fail(this.payloads.reject(null, "requests on a json-rpc sidecar need ids; call through the "
					+ "sidecar." + name() + ".rpc bean (SidecarRpc) instead, or set protocol: raw"));
			return request.future();
		}
		submit(request, payload, timeout);
		return request.future();
	}

	private void submit(PendingRequest request, Object payload, Duration timeout) {
		long deadline = request.startNanos() + timeout.toNanos();
		try {
			ByteBuffer bytes = this.payloads.toBytes(payload, null);
			if (!this.correlation.tryAcquire(remaining(deadline))) {
				request.fail(new SidecarTimeoutException(name(), timeout,
						"no request slot freed up (max-in-flight " + this.definition.maxInFlight() + ")"));
				return;
			}
			queue(request, bytes, deadline, timeout);
		}
		catch (MessageDeliveryException ex) {
			request.fail(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			request
				.fail(new MessageDeliveryException("Sidecar '" + name() + "': interrupted while queueing a request"));
		}
	}

	/**
	 * A caller's mistake is thrown before anything is queued: nothing reaches the child.
	 */
	private void checkRequestArguments(@Nullable Object payload, @Nullable Duration timeout) {
		if (payload == null) {
			throw new IllegalArgumentException("Sidecar '" + name() + "': the request payload must not be null");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException(
					"Sidecar '" + name() + "': the request timeout must be positive, got " + timeout);
		}
	}

	private void queue(PendingRequest request, ByteBuffer bytes, long deadline, Duration timeout)
			throws InterruptedException {
		boolean queued;
		try {
			queued = accept(new Outgoing(bytes, request), remaining(deadline));
		}
		catch (MessageDeliveryException ex) {
			this.correlation.abandon();
			throw ex;
		}
		if (!queued) {
			this.correlation.abandon();
			request.fail(new SidecarTimeoutException(name(), timeout, "the outbound buffer stayed full"));
			return;
		}
		request.timeout(
				this.scheduler.schedule(
						() -> this.correlation.timedOut(request,
								new SidecarTimeoutException(name(), timeout, "no reply arrived")),
						remaining(deadline)));
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	// ---- the protocol layer's seam (json-rpc)

	@Override
	public void routeFrames(Consumer<Message<?>> router) {
		this.router = router;
	}

	@Override
	public MessageChannel replyChannel(Message<?> frame) {
		return this.outbound;
	}

	@Override
	public void pingWith(Consumer<ProtocolExchange> ping) {
		this.ping = ping;
	}

	/**
	 * @return how to ask a child for a sign of life, or {@code null} when it must send
	 * one itself (raw)
	 */
	@Nullable Runnable ping() {
		Consumer<ProtocolExchange> pinger = this.ping;
		return (pinger != null) ? () -> pinger.accept(this) : null;
	}

	@Override
	public PendingRequest call(long id, String method, ByteBuffer payload, Duration timeout) {
		PendingRequest call = new PendingRequest(this.metrics, method, id);
		submit(call, payload, timeout);
		return call;
	}

	@Override
	public boolean complete(long id, Message<?> response, boolean error) {
		return (this.correlation instanceof IdCorrelation byId)
				&& byId.complete(id, response, error ? SidecarMetrics.Outcome.ERROR : SidecarMetrics.Outcome.SUCCESS);
	}

	@Override
	public void abandon(PendingRequest call, RuntimeException cause) {
		if (this.correlation instanceof IdCorrelation byId) {
			byId.giveUp(call, cause);
		}
	}

	@Override
	public void deliverInbound(Message<?> message) {
		this.inbound.send(message);
	}

	@Override
	public void reportInbound(String type, String description, Message<?> message) {
		this.errorReporter.inboundRejected(type, description, message);
	}

	@Override
	public void reportOutbound(String type, String description, RuntimeException cause) {
		this.errorReporter.outboundFailed(type, description, cause);
	}

	// ---- what it is

	@Override
	public void addStateListener(SidecarStateListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public String name() {
		return this.definition.name();
	}

	@Override
	public SidecarDefinition definition() {
		return this.definition;
	}

	@Override
	public long pid() {
		Supervisor.Child child = this.supervisor.child();
		return (child instanceof ProcessChild process && process.isAlive()) ? child.pid() : -1;
	}

	@Override
	public SidecarState state() {
		return this.supervisor.state();
	}

	@Override
	public @Nullable String lastFailure() {
		return this.supervisor.lastFailure();
	}

	@Override
	public List<String> stderrTail() {
		return StderrPump.snapshot(this.stderrTail);
	}

	@Override
	public SidecarStatus status() {
		return new SidecarStatus(name(), state(), pid(), this.supervisor.uptimeIfRunning(), this.supervisor.restarts(),
				this.lastExitCode, lastFailure(), List.of(instanceStatus()));
	}

	/**
	 * @return this sidecar as one instance of a pool
	 */
	SidecarInstanceStatus instanceStatus() {
		return new SidecarInstanceStatus(this.definition.instance(), state(), pid(), this.supervisor.restarts(),
				outstanding(), lastFailure());
	}

	/**
	 * @return its load: requests holding a slot plus messages waiting in the outbound
	 * queue
	 */
	int outstanding() {
		return this.correlation.inFlight() + this.outboundQueue.size();
	}

	@Nullable Integer lastExitCode() {
		return this.lastExitCode;
	}

	@Nullable Duration uptime() {
		return this.supervisor.uptimeIfRunning();
	}

	ErrorReporter errorReporter() {
		return this.errorReporter;
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
		return this.errorReporter.errors();
	}

	@Override
	public String toString() {
		return "Sidecar[" + name() + ", " + state() + ", pid " + pid() + "]";
	}

}
