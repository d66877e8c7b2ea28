package io.github.sidecarchannels.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.GenericMessage;

/**
 * The one owner of a sidecar's child process: start, connect, stop, kill, and what happens when the
 * child goes away (restart with backoff, or give up). Nothing else touches the {@link Process}.
 * <p>
 * Threads per running child: a reader (delivers inbound messages and replies, and handles the end of
 * the connection), a writer (drains the bounded outbound queue) and a stderr pump. The outbound queue
 * outlives a child, so messages accepted while it restarts go to the next one.
 */
final class DefaultSidecar implements Sidecar, FrameDecoder.FrameSink, SocketReader.Listener, SocketWriter.Listener {

	private static final Logger logger = LoggerFactory.getLogger(DefaultSidecar.class);

	/** Between SIGTERM and SIGKILL. */
	private static final Duration KILL_GRACE = Duration.ofSeconds(2);

	/** How long a child that closed its socket may take to exit before it is terminated. */
	private static final Duration EXIT_AFTER_EOF = Duration.ofSeconds(1);

	/** Bounds the wait for the reader to finish its clean-up after the child is gone. */
	private static final Duration CLEANUP_WAIT = Duration.ofSeconds(5);

	private final SidecarDefinition definition;

	private final Framing framing;

	private final Payloads payloads;

	private final SidecarMetrics metrics;

	private final RestartSchedule restartSchedule;

	private final Logger childLogger;

	private final Deque<String> stderrTail = StderrPump.newTail();

	private final BlockingQueue<Outgoing> outboundQueue;

	private final PendingRequests pending;

	private final SidecarChannel inbound;

	private final SidecarChannel errors;

	private final OutboundChannel outbound = new OutboundChannel(this);

	private final AtomicReference<SidecarState> state = new AtomicReference<>(SidecarState.STOPPED);

	private final List<SidecarStateListener> listeners = new CopyOnWriteArrayList<>();

	private final Object lifecycleMonitor = new Object();

	private final AtomicInteger restarts = new AtomicInteger();

	private volatile String lastFailure;

	private volatile Integer lastExitCode;

	private volatile Process process;

	/** The pid of the current or last child, for message headers without a call per message. */
	private volatile long childPid = -1;

	/** Built once per child: copying one small map is the cheapest way to a message's headers. */
	private volatile Map<String, Object> inboundHeaders = Map.of();

	private volatile long startedNanos;

	private volatile SocketPair socket;

	private Thread writerThread;

	private Thread stderrThread;

	private volatile CountDownLatch connectionClosed = new CountDownLatch(0);

	/** Accepted by a dead connection's writer but never written; goes first to the next child. */
	private volatile List<Outgoing> carryOver = List.of();

	private volatile ScheduledFuture<?> scheduledRestart;

	DefaultSidecar(SidecarDefinition definition, Function<Supplier<SidecarState>, SidecarMetrics> metricsFactory) {
		this.definition = definition;
		this.metrics = metricsFactory.apply(this.state::get);
		this.framing = Framing.of(definition);
		this.payloads = new Payloads(definition.name(), this.framing, definition.maxMessageSize());
		this.restartSchedule = new RestartSchedule(definition.restartPolicy());
		this.childLogger = LoggerFactory.getLogger("sidecar." + definition.name());
		this.outboundQueue = new ArrayBlockingQueue<>(definition.outboundCapacity());
		this.pending = new PendingRequests(definition.maxInFlight());
		String beanName = "sidecar." + definition.name();
		this.errors = new SidecarChannel(beanName + ".errors", this::errorUnhandled, this::errorSubscriberFailed);
		this.inbound = new SidecarChannel(beanName + ".inbound", this::inboundUnhandled, this::inboundSubscriberFailed);
	}

	// ---- lifecycle -------------------------------------------------------------------------------

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			SidecarState current = this.state.get();
			if (current == SidecarState.RUNNING || current == SidecarState.RESTARTING) {
				return;
			}
			this.restartSchedule.reset();
			launchOrFail(current);
		}
	}

	@Override
	public void restart() {
		synchronized (this.lifecycleMonitor) {
			stop();
			start();
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			SidecarState current = this.state.get();
			if (current == SidecarState.RUNNING && compareAndTransition(current, SidecarState.STOPPING, "stop requested")) {
				stopRunningChild();
			}
			else if (current == SidecarState.RESTARTING
					&& compareAndTransition(current, SidecarState.STOPPING, "stop requested while restarting")) {
				this.scheduledRestart.cancel(false);
			}
			awaitConnectionClosed();
			reportUndelivered(takeUnwritten(), "the sidecar was stopped before it was written");
			if (this.state.get() != SidecarState.STOPPED) {
				transition(SidecarState.STOPPED, "stopped");
			}
		}
	}

	/** Launch a child; on failure the state says why and the exception tells the caller. */
	private void launchOrFail(SidecarState from) {
		transition(SidecarState.STARTING, (from == SidecarState.RESTARTING) ? "restarting after backoff" : "starting");
		try {
			launch();
		}
		catch (RuntimeException | IOException ex) {
			closeSocket();
			RuntimeException failure = startFailure(ex);
			this.lastFailure = failure.getMessage();
			transition(SidecarState.FAILED, failure.getMessage());
			throw failure;
		}
	}

	private void launch() throws IOException {
		ChildCommand.checkCommand(this.definition);
		this.socket = SocketPair.open(this.definition);
		this.process = ChildCommand.build(this.definition, this.socket).start();
		this.childPid = this.process.pid();
		this.inboundHeaders = Map.of(NAME_HEADER, name(), PID_HEADER, this.childPid);
		this.startedNanos = System.nanoTime();
		this.socket.releaseChildEnd();
		this.connectionClosed = new CountDownLatch(1);
		// RUNNING before the reader exists, so a child that dies at once is seen to fail.
		transition(SidecarState.RUNNING, "pid " + this.childPid + " " + this.definition.command());
		startThreads();
		SocketPair connection = this.socket;
		this.process.onExit().thenRun(() -> childExited(connection));
	}

	/** All fields are set before any thread runs: a child that dies at once ends the reader at once. */
	private void startThreads() {
		String prefix = "sidecar-" + name() + "-";
		SocketReader reader = new SocketReader(this.socket.channel(), !this.framing.coalesces(),
				this.definition.maxMessageSize(), this.framing.newDecoder(this.definition.maxMessageSize()), this,
				this);
		SocketWriter writer = new SocketWriter(this.carryOver, this.outboundQueue, this.socket.channel(), this.framing,
				this.pending, this.metrics, this);
		this.carryOver = List.of();
		StderrPump stderr = new StderrPump(this.process.getErrorStream(), this.childLogger, this.stderrTail);
		this.writerThread = daemon(prefix + "writer", writer);
		this.stderrThread = daemon(prefix + "stderr", stderr);
		Thread readerThread = daemon(prefix + "reader", reader);
		this.writerThread.start();
		this.stderrThread.start();
		readerThread.start();
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private RuntimeException startFailure(Exception ex) {
		if (ex instanceof SidecarConfigurationException configuration) {
			return configuration;
		}
		return new SidecarStartException(name(), "cannot start " + this.definition.command() + ": " + ex.getMessage()
				+ "; check the command and working-directory settings", ex);
	}

	/** Flush, end input, wait for the child to exit, then SIGTERM and SIGKILL; all within one deadline. */
	private void stopRunningChild() {
		long deadline = System.nanoTime() + this.definition.stopTimeout().toNanos();
		try {
			if (!this.outboundQueue.offer(Outgoing.END_OF_INPUT, remaining(deadline), TimeUnit.NANOSECONDS)) {
				logger.warn("Sidecar '{}': the child did not read its pending input within stop-timeout", name());
			}
			if (!this.process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS)) {
				logger.warn("Sidecar '{}': still running {} after end of input; terminating it", name(),
						this.definition.stopTimeout());
				terminateTree();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			terminateTree();
		}
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	/** SIGTERM the child and every descendant, then SIGKILL whatever is left after the grace period. */
	private void terminateTree() {
		Process child = this.process;
		List<ProcessHandle> tree = Stream.concat(Stream.of(child.toHandle()), child.descendants()).toList();
		tree.forEach(ProcessHandle::destroy);
		long deadline = System.nanoTime() + KILL_GRACE.toNanos();
		for (ProcessHandle handle : tree) {
			try {
				handle.onExit().get(remaining(deadline), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				// Still alive after the grace period: killed below.
			}
		}
		tree.stream().filter(ProcessHandle::isAlive).forEach((handle) -> {
			logger.warn("Sidecar '{}': pid {} ignored SIGTERM; sending SIGKILL", name(), handle.pid());
			handle.destroyForcibly();
		});
	}

	private void awaitConnectionClosed() {
		try {
			if (!this.connectionClosed.await(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Sidecar '{}': the connection did not close after the child was gone; closing it", name());
				closeSocket();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A descendant that inherited the socket would keep the reader waiting after the child itself has
	 * exited; shutting our read side lets it finish once queued data is consumed. The pair is the one
	 * this child was given: by the time it exits, a restart may have installed another.
	 */
	private void childExited(SocketPair connection) {
		try {
			connection.shutdownInput();
		}
		catch (IOException ex) {
			// Already closed: the reader has ended.
		}
	}

	// ---- the connection ends (on the reading thread) ---------------------------------------------

	@Override
	public void connectionEnded(Exception failure) {
		try {
			handleConnectionEnd(failure);
		}
		finally {
			this.connectionClosed.countDown();
		}
	}

	private void handleConnectionEnd(Exception failure) {
		boolean protocolViolation = failure instanceof FramingException;
		if (protocolViolation) {
			this.metrics.error("protocol");
			logger.error("Sidecar '{}': protocol violation, closing the connection: {}", name(), failure.getMessage());
			terminateTree();
		}
		Integer exitCode = awaitExitCode();
		this.lastExitCode = exitCode;
		// The child's last words are usually still in the stderr pipe: read them into the tail first.
		join(this.stderrThread, EXIT_AFTER_EOF);
		boolean stopping = this.state.get() == SidecarState.STOPPING;
		String reason = stopping ? "was stopped" : describeEnd(failure);
		SidecarExitedException cause = new SidecarExitedException(name(), exitCode, reason, stderrTail());
		stopWriter();
		// The state says what happened before any caller hears of it.
		if (!stopping) {
			boolean failed = protocolViolation || failure != null || exitCode == null || exitCode != 0;
			afterChildGone(SidecarState.RUNNING, failed, withExitCode(reason, exitCode));
		}
		closeConnection(cause);
	}

	private static String withExitCode(String reason, Integer exitCode) {
		return (exitCode != null) ? reason + " (exit code " + exitCode + ")" : reason;
	}

	private String describeEnd(Exception failure) {
		if (failure instanceof FramingException) {
			return "broke the " + this.definition.framingWireName() + " framing: " + failure.getMessage();
		}
		if (failure != null) {
			return "lost its connection: " + failure;
		}
		return "exited";
	}

	/** The exit code, once the child is gone; a child that closed its socket but lives on is terminated. */
	private Integer awaitExitCode() {
		Process child = this.process;
		try {
			if (!child.waitFor(EXIT_AFTER_EOF.toMillis(), TimeUnit.MILLISECONDS)
					&& this.state.get() == SidecarState.RUNNING) {
				logger.warn("Sidecar '{}' closed its socket but did not exit; terminating it", name());
				terminateTree();
			}
			return child.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS) ? child.exitValue() : null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/** Afterwards the messages it never wrote wait in {@link #carryOver}. */
	private void stopWriter() {
		this.writerThread.interrupt();
		join(this.writerThread, KILL_GRACE);
	}

	/** Every request awaiting a reply fails now. */
	private void closeConnection(SidecarExitedException cause) {
		this.pending.failAll(cause);
		closeSocket();
		join(this.stderrThread, KILL_GRACE);
	}

	/** Restart per policy, or stay down and report what can no longer be delivered. */
	private void afterChildGone(SidecarState from, boolean failed, String reason) {
		RestartPolicy policy = this.restartSchedule.policy();
		Duration delay = policy.restartsAfter(failed) ? this.restartSchedule.next(uptime()) : null;
		if (delay != null) {
			scheduleRestart(from, delay, reason);
			return;
		}
		String why = (policy.restartsAfter(failed)) ? reason + "; gave up after " + policy.maxRestarts()
				+ " restarts within " + SidecarTimer.format(policy.window()) : reason;
		this.lastFailure = why;
		if (compareAndTransition(from, failed ? SidecarState.FAILED : SidecarState.STOPPED, why)) {
			reportUndelivered(takeUnwritten(), why);
		}
	}

	private void scheduleRestart(SidecarState from, Duration delay, String reason) {
		this.lastFailure = reason;
		if (compareAndTransition(from, SidecarState.RESTARTING, reason + "; restarting in " + SidecarTimer.format(delay))) {
			this.scheduledRestart = SidecarTimer.scheduleBlocking(this::restartAfterBackoff, delay,
					"sidecar-" + name() + "-restart");
		}
	}

	private void restartAfterBackoff() {
		synchronized (this.lifecycleMonitor) {
			if (this.state.get() != SidecarState.RESTARTING) {
				return;
			}
			awaitConnectionClosed();
			try {
				launchOrFail(SidecarState.RESTARTING);
				this.restarts.incrementAndGet();
				this.metrics.restarted();
			}
			catch (RuntimeException ex) {
				afterChildGone(SidecarState.FAILED, true, ex.getMessage());
			}
		}
	}

	private void closeSocket() {
		SocketPair current = this.socket;
		if (current != null) {
			current.close();
		}
	}

	private static void join(Thread thread, Duration limit) {
		try {
			thread.join(limit.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// ---- writer callbacks ------------------------------------------------------------------------

	@Override
	public void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	@Override
	public void endOfInputWritten(List<Outgoing> unwritten) {
		this.carryOver = unwritten;
	}

	@Override
	public void writeFailed(IOException cause, List<Outgoing> unwritten) {
		logger.debug("Sidecar '{}': write failed; {} message(s) kept for the next child", name(), unwritten.size(),
				cause);
		this.carryOver = unwritten;
	}

	// ---- reporting what cannot be delivered ------------------------------------------------------

	/** The carry-over and the queue, in order; the queue stays open for the next child. */
	private List<Outgoing> takeUnwritten() {
		List<Outgoing> unwritten = new ArrayList<>(this.carryOver);
		this.carryOver = List.of();
		this.outboundQueue.drainTo(unwritten);
		unwritten.remove(Outgoing.END_OF_INPUT);
		return unwritten;
	}

	/** Requests fail to their caller; plain messages go to the error channel. Each is counted. */
	private void reportUndelivered(List<Outgoing> unwritten, String reason) {
		for (Outgoing message : unwritten) {
			this.metrics.error("undelivered");
			if (message.request != null) {
				this.pending.fail(message.request, new SidecarExitedException(name(), this.lastExitCode,
						"did not take the request: " + reason, stderrTail()));
			}
			else {
				this.errors.send(new ErrorMessage(new MessageDeliveryException(message.message,
						"Sidecar '" + name() + "': message not delivered: " + reason)));
			}
		}
	}

	private void inboundUnhandled(Message<?> message) {
		this.metrics.error("unhandled");
		this.errors.send(new ErrorMessage(new MessageDeliveryException(message,
				"Sidecar '" + name() + "': a message arrived with no request waiting and no subscriber on "
						+ this.inbound)));
	}

	private void inboundSubscriberFailed(Message<?> message, RuntimeException failure) {
		this.metrics.error("subscriber");
		this.errors.send(new ErrorMessage(new MessageHandlingException(message,
				"Sidecar '" + name() + "': an inbound subscriber failed", failure)));
	}

	/** Last resort: nobody listens on the error channel, so the log is where it is reported. */
	private void errorUnhandled(Message<?> error) {
		Throwable problem = (Throwable) error.getPayload();
		logger.warn("{} (subscribe to {} to handle these)", problem.getMessage(), this.errors);
	}

	private void errorSubscriberFailed(Message<?> error, RuntimeException failure) {
		logger.error("Sidecar '{}': an error-channel subscriber failed on: {}", name(),
				((Throwable) error.getPayload()).getMessage(), failure);
	}

	// ---- inbound ---------------------------------------------------------------------------------

	@Override
	public void frame(Object payload, int size) {
		this.metrics.received(size);
		Message<Object> message = new GenericMessage<>(payload, this.inboundHeaders);
		if (!this.pending.complete(message)) {
			this.inbound.send(message);
		}
	}

	/**
	 * A dropped frame still answered something: it fails the oldest request, so later replies keep
	 * lining up with their own requests.
	 */
	@Override
	public void problem(String type, String description, boolean frameDropped) {
		this.metrics.error(type);
		logger.warn("Sidecar '{}': {}", name(), description);
		if (frameDropped) {
			this.pending.failOldest(new MessageDeliveryException("Sidecar '" + name() + "': the reply was dropped: "
					+ description));
		}
	}

	// ---- outbound --------------------------------------------------------------------------------

	Payloads payloads() {
		return this.payloads;
	}

	/**
	 * Queue a message for the writer. While the sidecar restarts, the message waits for the next child.
	 * @param timeoutNanos negative to wait as long as it takes
	 * @return false if the queue stayed full for the whole timeout
	 */
	boolean accept(Outgoing message, long timeoutNanos) throws InterruptedException {
		requireAccepting(message.message);
		if (timeoutNanos < 0) {
			this.outboundQueue.put(message);
		}
		else if (!this.outboundQueue.offer(message, timeoutNanos, TimeUnit.NANOSECONDS)) {
			return false;
		}
		// The sidecar may have stopped for good while we waited: take the message back rather than strand it.
		if (!isAccepting(this.state.get()) && this.outboundQueue.remove(message)) {
			requireAccepting(message.message);
		}
		return true;
	}

	private static boolean isAccepting(SidecarState state) {
		return state == SidecarState.RUNNING || state == SidecarState.RESTARTING || state == SidecarState.STARTING;
	}

	private void requireAccepting(Message<?> original) {
		SidecarState current = this.state.get();
		if (!isAccepting(current)) {
			String why = (this.lastFailure != null && current == SidecarState.FAILED) ? ": " + this.lastFailure : "";
			throw this.payloads.reject(original, "cannot send while the sidecar is " + current + why);
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
		PendingRequest request = new PendingRequest(this.metrics);
		long deadline = request.startNanos() + timeout.toNanos();
		try {
			ByteBuffer bytes = this.payloads.toBytes(payload, null);
			if (!this.pending.tryAcquire(remaining(deadline))) {
				request.fail(new SidecarTimeoutException(name(), timeout,
						"no request slot freed up (max-in-flight " + this.definition.maxInFlight() + ")"));
				return request.future();
			}
			queue(request, bytes, deadline, timeout);
		}
		catch (MessageDeliveryException ex) {
			request.fail(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			request.fail(new MessageDeliveryException("Sidecar '" + name() + "': interrupted while queueing a request"));
		}
		return request.future();
	}

	private void queue(PendingRequest request, ByteBuffer bytes, long deadline, Duration timeout)
			throws InterruptedException {
		boolean queued;
		try {
			queued = accept(new Outgoing(bytes, request, null), remaining(deadline));
		}
		catch (MessageDeliveryException ex) {
			this.pending.abandon();
			throw ex;
		}
		if (!queued) {
			this.pending.abandon();
			request.fail(new SidecarTimeoutException(name(), timeout, "the outbound buffer stayed full"));
			return;
		}
		request.timeout(SidecarTimer.schedule(
				() -> request.fail(new SidecarTimeoutException(name(), timeout, "no reply arrived")),
				remaining(deadline)));
	}

	// ---- state -----------------------------------------------------------------------------------

	private void transition(SidecarState next, String reason) {
		SidecarState previous = this.state.getAndSet(next);
		if (previous != next) {
			published(previous, next, reason);
		}
	}

	private boolean compareAndTransition(SidecarState expected, SidecarState next, String reason) {
		if (expected == next) {
			return this.state.get() == next;
		}
		if (!this.state.compareAndSet(expected, next)) {
			return false;
		}
		published(expected, next, reason);
		return true;
	}

	private void published(SidecarState previous, SidecarState next, String reason) {
		if (next == SidecarState.FAILED) {
			logger.error("Sidecar '{}' {} -> {}: {}", name(), previous, next, reason);
		}
		else if (next == SidecarState.RESTARTING) {
			logger.warn("Sidecar '{}' {} -> {}: {}", name(), previous, next, reason);
		}
		else {
			logger.info("Sidecar '{}' {} -> {}: {}", name(), previous, next, reason);
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

	private Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

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
		Process child = this.process;
		return (child != null && child.isAlive()) ? child.pid() : -1;
	}

	@Override
	public SidecarState state() {
		return this.state.get();
	}

	@Override
	public String lastFailure() {
		return this.lastFailure;
	}

	@Override
	public List<String> stderrTail() {
		return StderrPump.snapshot(this.stderrTail);
	}

	@Override
	public SidecarStatus status() {
		SidecarState current = state();
		Duration uptime = (current == SidecarState.RUNNING) ? uptime() : null;
		return new SidecarStatus(name(), current, pid(), uptime, this.restarts.get(), this.lastExitCode,
				this.lastFailure);
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
		return "Sidecar[" + name() + ", " + state() + ", pid " + pid() + "]";
	}

}
