package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.RestartPolicy;
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

	/**
	 * Whether a non-daemon thread keeps the JVM alive while the sidecars run, so that an application
	 * without a web server or listener does not exit right after startup.
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
		 * Whether every child finds the bundled clients: their directories are appended to PYTHONPATH
		 * and NODE_PATH, so 'import sidecar_channel' and require('sidecar-channel') work without a copy
		 * (a child's own copy earlier on its path still wins).
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
	 * Settings of one sidecar. Unset values fall back to {@code sidecar.defaults}, then to the built-in
	 * default given with each property.
	 */
	public static class Process {

		/**
		 * Program and arguments to run, as a list, without a shell. Required. The program is looked up on
		 * the PATH unless it contains a '/'. Any element may be a 'classpath:' file (or directory, ending
		 * with '/'), replaced by a real path: in place from an exploded classpath, extracted from a jar.
		 */
		private List<String> command;

		/**
		 * Working directory of the child: a path, or a 'classpath:' directory (used in place from an
		 * exploded classpath, extracted to a private temporary directory from a jar). Defaults to the
		 * application's.
		 */
		private String workingDirectory;

		/**
		 * Variables added to the child's environment. The child also always gets SIDECAR_NAME,
		 * SIDECAR_TRANSPORT, SIDECAR_FRAMING, SIDECAR_MAX_MESSAGE_SIZE, SIDECAR_FD and
		 * SIDECAR_PROTOCOL_VERSION, and the bundled clients on PYTHONPATH and NODE_PATH.
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
		 * Message framing on a stream transport: 'lines' (UTF-8, newline-terminated, String payloads) or
		 * 'length-prefixed' (4-byte big-endian length, byte[] payloads). Ignored for seqpacket. Default:
		 * lines.
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
		 * When and how fast the child is started again after it exits on its own.
		 */
		private final Restart restart = new Restart();

		public List<String> getCommand() {
			return this.command;
		}

		public void setCommand(List<String> command) {
			this.command = command;
		}

		public String getWorkingDirectory() {
			return this.workingDirectory;
		}

		public void setWorkingDirectory(String workingDirectory) {
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
