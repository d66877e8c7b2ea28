package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.RpcCancellation;
import io.github.sidecarchannels.core.SocketMode;
import io.github.sidecarchannels.core.Transport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the sidecars: {@code sidecar.processes.<name>.*} declares one, and
 * {@code sidecar.defaults.*} holds settings every sidecar gets unless it sets them itself.
 */
@ConfigurationProperties("sidecar")
public class SidecarProperties {

	/**
	 * Settings applied to every sidecar that does not set them itself. Environment maps are merged, the
	 * sidecar's own entries winning.
	 */
	private final Process defaults = new Process();

	/**
	 * The sidecars to run, by name. The name is used in bean names (sidecar.NAME, sidecar.NAME.outbound,
	 * sidecar.NAME.inbound), logs and meter tags.
	 */
	private final Map<String, Process> processes = new LinkedHashMap<>();

	public Process getDefaults() {
		return this.defaults;
	}

	public Map<String, Process> getProcesses() {
		return this.processes;
	}

	/**
	 * Settings of one sidecar. Unset values fall back to {@code sidecar.defaults}, then to the built-in
	 * default given with each property.
	 */
	public static class Process {

		/**
		 * Program and arguments to run, as a list, without a shell. Required. The program is looked up on
		 * the PATH unless it contains a '/'.
		 */
		private List<String> command;

		/**
		 * Working directory of the child. Defaults to the application's.
		 */
		private Path workingDirectory;

		/**
		 * Variables added to the child's environment. The child also always gets SIDECAR_NAME,
		 * SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE and SIDECAR_FD.
		 */
		private Map<String, String> environment = new LinkedHashMap<>();

		/**
		 * Whether the child inherits the application's environment variables. Default: true. When false,
		 * the child sees only the configured environment plus the SIDECAR_* variables.
		 */
		private Boolean inheritEnvironment;

		/**
		 * Socket type: 'stream' (any stdio program) or 'seqpacket' (one kernel record per message;
		 * the child must read whole records). Default: stream.
		 */
		private Transport transport;

		/**
		 * Message framing on a stream transport: 'lines' (UTF-8, newline-terminated, String payloads),
		 * 'length-prefixed' (4-byte big-endian length, byte[] payloads) or 'content-length' (the LSP base
		 * protocol, byte[] payloads). Ignored for seqpacket. Default: lines.
		 */
		private FramingType framing;

		/**
		 * Where the child finds the socket: 'stdio' (its stdin and stdout) or 'fd3' (file descriptor 3;
		 * stdin is /dev/null and stdout goes to the log). Default: stdio.
		 */
		private SocketMode socket;

		/**
		 * Largest message payload accepted in either direction, checked before anything is allocated.
		 * Default: 1MB.
		 */
		private DataSize maxMessageSize;

		/**
		 * How long a stop waits for the child to exit after end of input before sending SIGTERM (SIGKILL
		 * follows 2s later). Default: 5s.
		 */
		private Duration stopTimeout;

		/**
		 * Most requests awaiting a reply at once; further requests wait for a slot. Default: 1024.
		 */
		private Integer maxInFlight;

		/**
		 * Most messages accepted but not yet written to the socket; further sends block. Default: 1024.
		 */
		private Integer outboundCapacity;

		/**
		 * Whether the sidecar starts with the application context. Default: true.
		 */
		private Boolean autoStartup;

		/**
		 * Whether a sidecar that cannot start (bad command, missing working directory...) fails the
		 * application's startup. When false it is left FAILED, with the reason in its status and health,
		 * and the application starts. Default: true.
		 */
		private Boolean failFast;

		/**
		 * What the messages mean: 'raw' (plain payloads, requests answered first in, first out) or
		 * 'json-rpc' (JSON-RPC 2.0, calls matched by id, through the sidecar.NAME.rpc bean). Default: raw.
		 */
		private Protocol protocol;

		/**
		 * Timeout of JSON-RPC calls that do not pass one. Default: 30s.
		 */
		private Duration requestTimeout;

		/**
		 * JSON-RPC settings, used with protocol json-rpc.
		 */
		private final JsonRpc jsonRpc = new JsonRpc();

		/**
		 * When and how fast the child is started again after it exits on its own.
		 */
		private final Restart restart = new Restart();

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

		public JsonRpc getJsonRpc() {
			return this.jsonRpc;
		}

		public List<String> getCommand() {
			return this.command;
		}

		public void setCommand(List<String> command) {
			this.command = command;
		}

		public Path getWorkingDirectory() {
			return this.workingDirectory;
		}

		public void setWorkingDirectory(Path workingDirectory) {
			this.workingDirectory = workingDirectory;
		}

		public Map<String, String> getEnvironment() {
			return this.environment;
		}

		public void setEnvironment(Map<String, String> environment) {
			this.environment = environment;
		}

		public Boolean getInheritEnvironment() {
			return this.inheritEnvironment;
		}

		public void setInheritEnvironment(Boolean inheritEnvironment) {
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

		public Integer getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(Integer maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Integer getOutboundCapacity() {
			return this.outboundCapacity;
		}

		public void setOutboundCapacity(Integer outboundCapacity) {
			this.outboundCapacity = outboundCapacity;
		}

		public Boolean getAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(Boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

		public Boolean getFailFast() {
			return this.failFast;
		}

		public void setFailFast(Boolean failFast) {
			this.failFast = failFast;
		}

		public Restart getRestart() {
			return this.restart;
		}

	}

	/**
	 * JSON-RPC settings of a sidecar.
	 */
	public static class JsonRpc {

		/**
		 * What the child is told when a call times out or its future is cancelled: 'none', 'lsp'
		 * ($/cancelRequest) or 'mcp' (notifications/cancelled). Default: none.
		 */
		private RpcCancellation cancellation;

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
		 * Which exits lead to a restart: 'never', 'on-failure' (non-zero exit, death by signal, protocol
		 * violation) or 'always' (every exit not caused by a stop). Default: on-failure.
		 */
		private RestartPolicy.Mode policy;

		/**
		 * Delay before the first restart. Default: 100ms.
		 */
		private Duration initialDelay;

		/**
		 * Factor applied to the delay after each restart. Default: 2.0.
		 */
		private Double multiplier;

		/**
		 * Longest delay between restarts. Default: 30s.
		 */
		private Duration maxDelay;

		/**
		 * A child that stayed up this long gets the initial delay again. Default: 60s.
		 */
		private Duration resetAfter;

		/**
		 * Most restarts within the window; one more leaves the sidecar FAILED until restarted by hand.
		 * Default: 5.
		 */
		private Integer maxRestarts;

		/**
		 * Sliding window in which restarts are counted. Default: 60s.
		 */
		private Duration window;

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

		public Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(Double multiplier) {
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

		public Integer getMaxRestarts() {
			return this.maxRestarts;
		}

		public void setMaxRestarts(Integer maxRestarts) {
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
