package io.github.sidecarchannels.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.sidecarchannels.core.channel.OutboundChannel;
import io.github.sidecarchannels.core.channel.Payloads;
import io.github.sidecarchannels.core.channel.SidecarChannel;
import io.github.sidecarchannels.core.framing.Framing;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import io.github.sidecarchannels.core.process.StderrLines;
import io.github.sidecarchannels.core.request.FifoCorrelation;
import io.github.sidecarchannels.core.request.IdCorrelation;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import io.github.sidecarchannels.core.request.RequestCorrelation;
import io.github.sidecarchannels.core.supervision.Supervisor;
import io.github.sidecarchannels.core.transport.ChildConnection;
import io.github.sidecarchannels.core.transport.Outgoing;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;

/**
 * A sidecar, assembled from its parts; read it as a table of contents:
 * <ul>
 * <li>lifecycle, restarts and state: the {@link Supervisor}, which launches children
 * through a {@link ProcessRunner};</li>
 * <li>one child's life (process tree, connection threads, stderr, its end):
 * {@link ProcessChild};</li>
 * <li>the outbound side, bounded in messages and in bytes, which outlives children so
 * messages accepted during a restart go to the next one: the {@link Outbox};</li>
 * <li>requests: sent by the {@link RequestSender}, matched to replies by
 * {@link RequestCorrelation}, first in first out for raw, by id for json-rpc, whose layer
 * on top reaches the sidecar through {@link ProtocolExchange};</li>
 * <li>inbound frames: {@link InboundFrames}, replies to their requests, the rest to the
 * inbound channel;</li>
 * <li>what cannot be delivered: {@link ErrorReporter}.</li>
 * </ul>
 */
final class DefaultSidecar implements Sidecar, Supervisor.Events, ProtocolExchange {

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

	private final Deque<String> stderrTail = StderrLines.newTail();

	private final Outbox outbox;

	private final RequestSender requests;

	private final RequestCorrelation correlation;

	private final ErrorReporter errorReporter;

	private final SidecarChannel inbound;

	private final InboundFrames frames;

	private final OutboundChannel outbound;

	private final Supervisor supervisor;

	private final List<SidecarStateListener> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable Integer lastExitCode;

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
		this.correlation = (definition.protocol() == Protocol.JSON_RPC) ? new IdCorrelation(definition.maxInFlight())
				: new FifoCorrelation(definition.maxInFlight(), this::replyStreamOutOfStep);
		this.supervisor = new Supervisor(definition.name(), definition.restartPolicy(), new ProcessRunner(this),
				scheduler, this);
		this.metrics = metricsFactory.apply(this.supervisor::state);
		this.errorReporter = new ErrorReporter(definition.name(), this.metrics, this.correlation);
		this.outbox = new Outbox(definition, this.payloads, this.correlation, this.errorReporter,
				this.supervisor::state, this.supervisor::stateReason);
		this.requests = new RequestSender(definition, this.payloads, this.correlation, this.outbox, scheduler,
				this.metrics);
		this.inbound = new SidecarChannel("sidecar." + definition.name() + ".inbound", this::inboundUnhandled,
				this.errorReporter::inboundSubscriberFailed);
		this.frames = new InboundFrames(definition, this.metrics, this.correlation, this.inbound,
				this.supervisor::child);
		this.outbound = new OutboundChannel(definition.name(), this.payloads, this.outbox::accept);
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
		this.frames.connected(pid);
	}

	/**
	 * @param unwritten accepted but never written: for the next child
	 * @param unread written but never read by the child: reported
	 */
	void disconnected(@Nullable Integer exitCode, List<Outgoing> unwritten, List<Outgoing> unread) {
		this.lastExitCode = exitCode;
		this.outbox.disconnected(unwritten, unread);
	}

	SidecarScheduler scheduler() {
		return this.scheduler;
	}

	ChildConnection.Settings connectionSettings() {
		return this.connectionSettings;
	}

	InboundFrames frames() {
		return this.frames;
	}

	Outbox outbox() {
		return this.outbox;
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

	@Override
	public void undeliverable(String reason) {
		this.outbox.undeliverable(reason, this.lastExitCode, this::stderrTail);
	}

	void reportUnread() {
		this.outbox.reportUnread(this.lastExitCode, this::stderrTail);
	}

	private void inboundUnhandled(Message<?> message) {
		this.errorReporter.inboundUnhandled(message, this.inbound);
	}

	// ---- inbound: the inbound frames

	@Override
	public void ready(Message<?> frame) {
		this.frames.becomeReady();
	}

	void becomeReady() {
		this.frames.becomeReady();
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

	// ---- outbound: the outbox; requests: the request sender

	@Override
	public Message<?> request(Object payload, Duration timeout) {
		return this.requests.request(payload, timeout);
	}

	@Override
	public CompletableFuture<Message<?>> requestAsync(Object payload, Duration timeout) {
		return this.requests.requestAsync(payload, timeout);
	}

	// ---- the protocol layer's seam (json-rpc)

	@Override
	public void routeFrames(Consumer<Message<?>> router) {
		this.frames.routeFrames(router);
	}

	@Override
	public MessageChannel replyChannel(Message<?> frame) {
		return this.outbound;
	}

	@Override
	public MessageChannel channelFor(PendingRequest call) {
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
		return this.requests.call(id, method, payload, timeout);
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
		return StderrLines.snapshot(this.stderrTail);
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
		return this.correlation.inFlight() + this.outbox.size();
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
