package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.ReadySignal;
import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.RpcCancellation;
import io.github.sidecarchannels.core.SocketMode;
import io.github.sidecarchannels.core.Transport;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the sidecars: {@code sidecar.processes.<name>.*} declares one, and
 * {@code sidecar.defaults.*} holds settings every sidecar gets unless it sets them
 * itself. An unknown key under {@code sidecar.*} fails startup, naming the nearest valid
 * key.
 */
@ConfigurationProperties(prefix = "sidecar", ignoreUnknownFields = false)
public class SidecarProperties {

	/**
	 * Settings applied to every sidecar that does not set them itself. Environment maps
	 * are merged, the sidecar's own entries winning.
	 */
	private final Process defaults = new Process();

	/**
	 * The sidecars to run, by name. The name is used in bean names (sidecar.NAME,
	 * sidecar.NAME.outbound, sidecar.NAME.inbound), logs and meter tags.
	 */
	private final Map<String, Process> processes = new LinkedHashMap<>();

	/**
	 * Whether a non-daemon thread keeps the JVM alive while the sidecars run, so that an
	 * application without a web server or listener does not exit right after startup.
	 */
	private boolean keepAlive = true;

	/**
	 * The child clients bundled with the starter.
	 */
	private final Clients clients = new Clients();

	public boolean isKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	public Clients getClients() {
		return this.clients;
	}

	public Process getDefaults() {
		return this.defaults;
	}

	public Map<String, Process> getProcesses() {
		return this.processes;
	}

	/**
	 * The Python and Node child clients the starter carries.
	 */
	public static class Clients {

		/**
		 * Whether every child finds the bundled clients: their directories are appended
		 * to PYTHONPATH and NODE_PATH, so 'import sidecar_channel' and
		 * require('sidecar-channel') work without a copy (a child's own copy earlier on
		 * its path still wins).
		 */
		private boolean expose = true;

		public boolean isExpose() {
			return this.expose;
		}

		public void setExpose(boolean expose) {
			this.expose = expose;
		}

	}

	/**
	 * Settings of one sidecar. Unset values fall back to {@code sidecar.defaults}, then
	 * to the built-in default each property starts with.
	 */
	public static class Process {

		/**
		 * Program and arguments to run, as a list, without a shell. Required. The program
		 * is looked up on the PATH unless it contains a '/'. Any element may be a
		 * 'classpath:' file (or directory, ending with '/'), replaced by a real path: in
		 * place from an exploded classpath, extracted from a jar.
		 */
		private @Nullable List<String> command;

		/**
		 * Working directory of the child: a path, or a 'classpath:' directory (used in
		 * place from an exploded classpath, extracted to a private temporary directory
		 * from a jar). Defaults to the application's.
		 */
		private @Nullable String workingDirectory;

		/**
		 * Variables added to the child's environment. The child also always gets
		 * SIDECAR_NAME, SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE,
		 * SIDECAR_FD and SIDECAR_PROTOCOL_VERSION, and the bundled clients on PYTHONPATH
		 * and NODE_PATH.
		 */
		private Map<String, String> environment = new LinkedHashMap<>();

		/**
		 * Whether the child inherits the application's environment variables. When false,
		 * the child sees only the configured environment plus the SIDECAR_* variables.
		 */
		private boolean inheritEnvironment = true;

		/**
		 * Socket type: 'stream' (any stdio program) or 'seqpacket' (one kernel record per
		 * message; the child must read whole records).
		 */
		private Transport transport = Transport.STREAM;

		/**
		 * Message framing on a stream transport: 'lines' (UTF-8, newline-terminated,
		 * String payloads), 'length-prefixed' (4-byte big-endian length, byte[] payloads)
		 * or 'content-length' (the LSP base protocol, byte[] payloads). Ignored for
		 * seqpacket.
		 */
		private FramingType framing = FramingType.LINES;

		/**
		 * Where the child finds the socket: 'stdio' (its stdin and stdout) or 'fd3' (file
		 * descriptor 3; stdin is /dev/null and stdout goes to the log).
		 */
		private SocketMode socket = SocketMode.STDIO;

		/**
		 * Largest message payload accepted in either direction, checked before anything
		 * is allocated.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * How long a stop waits for the child to exit after end of input before sending
		 * SIGTERM (SIGKILL follows 2s later).
		 */
		private Duration stopTimeout = Duration.ofSeconds(5);

		/**
		 * Most requests awaiting a reply at once; further requests wait for a slot.
		 */
		private int maxInFlight = 1024;

		/**
		 * Most messages accepted but not yet written to the socket; further sends block.
		 */
		private int outboundCapacity = 1024;

		/**
		 * Most payload bytes accepted but not yet written to the socket; further sends
		 * block, and a larger single payload is rejected.
		 */
		private DataSize outboundBufferSize = DataSize.ofMegabytes(16);

		/**
		 * Whether the sidecar starts with the application context.
		 */
		private boolean autoStartup = true;

		/**
		 * Whether a sidecar that cannot start (bad command, missing working directory...)
		 * fails the application's startup. When false it is left FAILED, with the reason
		 * in its status and health, and the application starts.
		 */
		private boolean failFast = true;

		/**
		 * What the messages mean: 'raw' (plain payloads, requests answered first in,
		 * first out) or 'json-rpc' (JSON-RPC 2.0, calls matched by id, through the
		 * sidecar.NAME.rpc bean).
		 */
		private Protocol protocol = Protocol.RAW;

		/**
		 * Timeout of JSON-RPC calls that do not pass one.
		 */
		private Duration requestTimeout = Duration.ofSeconds(30);

		/**
		 * How many children of this definition run behind the one sidecar (a worker pool,
		 * e.g. one Python interpreter per core); requests and messages go to the ready
		 * instance with the fewest outstanding.
		 */
		private int instances = 1;

		/**
		 * How many instances must be ready for the sidecar to be RUNNING (and UP).
		 */
		private int minReady = 1;

		/**
		 * JSON-RPC settings, used with protocol json-rpc.
		 */
		private final JsonRpc jsonRpc = new JsonRpc();

		/**
		 * When and how fast the child is started again after it exits on its own.
		 */
		private final Restart restart = new Restart();

		/**
		 * What the application's startup waits for.
		 */
		private final Startup startup = new Startup();

		/**
		 * How a running child's liveness is checked.
		 */
		private final Heartbeat heartbeat = new Heartbeat();

		public @Nullable List<String> getCommand() {
			return this.command;
		}

		public void setCommand(@Nullable List<String> command) {
			this.command = command;
		}

		public @Nullable String getWorkingDirectory() {
			return this.workingDirectory;
		}

		public void setWorkingDirectory(@Nullable String workingDirectory) {
			this.workingDirectory = workingDirectory;
		}

		public Map<String, String> getEnvironment() {
			return this.environment;
		}

		public void setEnvironment(Map<String, String> environment) {
			this.environment = environment;
		}

		public boolean isInheritEnvironment() {
			return this.inheritEnvironment;
		}

		public void setInheritEnvironment(boolean inheritEnvironment) {
			this.inheritEnvironment = inheritEnvironment;
		}

		public Transport getTransport() {
			return this.transport;
		}

		public void setTransport(Transport transport) {
			this.transport = transport;
		}

		public FramingType getFraming() {
			return this.framing;
		}

		public void setFraming(FramingType framing) {
			this.framing = framing;
		}

		public SocketMode getSocket() {
			return this.socket;
		}

		public void setSocket(SocketMode socket) {
			this.socket = socket;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public Duration getStopTimeout() {
			return this.stopTimeout;
		}

		public void setStopTimeout(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public int getOutboundCapacity() {
			return this.outboundCapacity;
		}

		public void setOutboundCapacity(int outboundCapacity) {
			this.outboundCapacity = outboundCapacity;
		}

		public DataSize getOutboundBufferSize() {
			return this.outboundBufferSize;
		}

		public void setOutboundBufferSize(DataSize outboundBufferSize) {
			this.outboundBufferSize = outboundBufferSize;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		public Protocol getProtocol() {
			return this.protocol;
		}

		public void setProtocol(Protocol protocol) {
			this.protocol = protocol;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public int getInstances() {
			return this.instances;
		}

		public void setInstances(int instances) {
			this.instances = instances;
		}

		public int getMinReady() {
			return this.minReady;
		}

		public void setMinReady(int minReady) {
			this.minReady = minReady;
		}

		public JsonRpc getJsonRpc() {
			return this.jsonRpc;
		}

		public Restart getRestart() {
			return this.restart;
		}

		public Startup getStartup() {
			return this.startup;
		}

		public Heartbeat getHeartbeat() {
			return this.heartbeat;
		}

	}

	/**
	 * Liveness of a running child: a child silent for the timeout counts as hung.
	 */
	public static class Heartbeat {

		/**
		 * How often a running child's liveness is checked: with json-rpc an idle child is
		 * sent $/ping (the bundled clients answer it), with raw the child must send some
		 * message at least this often. Unset (the default) turns the heartbeat off.
		 */
		private @Nullable Duration interval;

		/**
		 * How long a running child may stay silent before it counts as hung: it is killed
		 * (SIGKILL, with its process tree), counted in sidecar.errors{type=hung} and
		 * restarted per the restart policy. Default: 3 heartbeat intervals.
		 */
		private @Nullable Duration timeout;

		public @Nullable Duration getInterval() {
			return this.interval;
		}

		public void setInterval(@Nullable Duration interval) {
			this.interval = interval;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * How a fail-fast sidecar's start is checked.
	 */
	public static class Startup {

		/**
		 * With fail-fast, a child that exits within this time of being started fails the
		 * application's startup with its exit code and stderr. All sidecars are waited on
		 * together. Zero turns the check off.
		 */
		private Duration grace = Duration.ofMillis(250);

		/**
		 * When the child may be sent requests and messages: 'spawn' (at once) or
		 * 'message' (once it signals readiness: the $/ready notification with json-rpc,
		 * the ready-message with raw; until then the sidecar is STARTING and sends wait
		 * in the outbound buffer).
		 */
		private ReadySignal ready = ReadySignal.SPAWN;

		/**
		 * With ready 'message' and protocol raw, the message the child sends to signal
		 * readiness (consumed, not delivered).
		 */
		private String readyMessage = "READY";

		/**
		 * With ready 'message', how long the child has to signal readiness; then it is
		 * killed and its start counts as failed (restart policy; with fail-fast the
		 * application's startup fails).
		 */
		private Duration timeout = Duration.ofSeconds(60);

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

		public ReadySignal getReady() {
			return this.ready;
		}

		public void setReady(ReadySignal ready) {
			this.ready = ready;
		}

		public String getReadyMessage() {
			return this.readyMessage;
		}

		public void setReadyMessage(String readyMessage) {
			this.readyMessage = readyMessage;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * JSON-RPC settings of a sidecar.
	 */
	public static class JsonRpc {

		/**
		 * What the child is told when a call times out or its future is cancelled:
		 * 'none', 'lsp' ($/cancelRequest) or 'mcp' (notifications/cancelled).
		 */
		private RpcCancellation cancellation = RpcCancellation.NONE;

		public RpcCancellation getCancellation() {
			return this.cancellation;
		}

		public void setCancellation(RpcCancellation cancellation) {
			this.cancellation = cancellation;
		}

	}

	/**
	 * Restart policy of a sidecar: exponential backoff and an intensity limit.
	 */
	public static class Restart {

		/**
		 * Which exits lead to a restart: 'never', 'on-failure' (non-zero exit, death by
		 * signal, protocol violation) or 'always' (every exit not caused by a stop).
		 */
		private RestartPolicy.Mode policy = RestartPolicy.Mode.ON_FAILURE;

		/**
		 * Delay before the first restart.
		 */
		private Duration initialDelay = Duration.ofMillis(100);

		/**
		 * Factor applied to the delay after each restart.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between restarts.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		/**
		 * A child that stayed up this long gets the initial delay again.
		 */
		private Duration resetAfter = Duration.ofSeconds(60);

		/**
		 * Most restarts within the window; one more leaves the sidecar FAILED until
		 * restarted by hand.
		 */
		private int maxRestarts = 5;

		/**
		 * Sliding window in which restarts are counted.
		 */
		private Duration window = Duration.ofSeconds(60);

		public RestartPolicy.Mode getPolicy() {
			return this.policy;
		}

		public void setPolicy(RestartPolicy.Mode policy) {
			this.policy = policy;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public Duration getResetAfter() {
			return this.resetAfter;
		}

		public void setResetAfter(Duration resetAfter) {
			this.resetAfter = resetAfter;
		}

		public int getMaxRestarts() {
			return this.maxRestarts;
		}

		public void setMaxRestarts(int maxRestarts) {
			this.maxRestarts = maxRestarts;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

}
