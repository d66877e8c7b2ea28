package io.github.sidecarchannels.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Everything needed to run one sidecar: the command, its environment and the channel
 * settings. Immutable; create one with {@link #builder(String)}.
 */
public final class SidecarDefinition {

	/** Default {@link #maxMessageSize()}: 1 MiB. */
	public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

	/**
	 * The largest {@link #maxMessageSize()} allowed: buffers add framing and detection
	 * bytes to it.
	 */
	public static final int MAX_MESSAGE_SIZE_LIMIT = Integer.MAX_VALUE - 1024;

	/** Default {@link #stopTimeout()}. */
	public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

	/** Default {@link #maxInFlight()}. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 1024;

	/** Default {@link #outboundCapacity()}. */
	public static final int DEFAULT_OUTBOUND_CAPACITY = 1024;

	/** Default {@link #outboundBufferSize()}: 16 MiB. */
	public static final long DEFAULT_OUTBOUND_BUFFER_SIZE = 16L * 1024 * 1024;

	/** Default {@link #requestTimeout()}. */
	public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

	/** The default raw-mode readiness message. */
	public static final String DEFAULT_READY_MESSAGE = "READY";

	/** The default time a child has to signal readiness. */
	public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private final String name;

	private final List<String> command;

	private final @Nullable Path workingDirectory;

	private final Map<String, String> environment;

	private final boolean inheritEnvironment;

	private final Transport transport;

	private final FramingType framing;

	private final SocketMode socketMode;

	private final int maxMessageSize;

	private final Duration stopTimeout;

	private final int maxInFlight;

	private final int outboundCapacity;

	private final long outboundBufferSize;

	private final RestartPolicy restartPolicy;

	private final @Nullable Path clientsDirectory;

	private final Protocol protocol;

	private final Duration requestTimeout;

	private final RpcCancellation cancellation;

	private final ReadySignal readySignal;

	private final String readyMessage;

	private final Duration startupTimeout;

	private final Duration heartbeatInterval;

	private final @Nullable Duration heartbeatTimeout;

	private final int instances;

	private final int minReady;

	private final int instance;

	private SidecarDefinition(Builder builder) {
		this.name = builder.name;
		this.command = List.copyOf(builder.command);
		this.workingDirectory = builder.workingDirectory;
		this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
		this.inheritEnvironment = builder.inheritEnvironment;
		this.transport = builder.transport;
		this.framing = builder.framing;
		this.socketMode = builder.socketMode;
		this.maxMessageSize = builder.maxMessageSize;
		this.stopTimeout = builder.stopTimeout;
		this.maxInFlight = builder.maxInFlight;
		this.outboundCapacity = builder.outboundCapacity;
		this.outboundBufferSize = builder.outboundBufferSize;
		this.restartPolicy = builder.restartPolicy;
		this.clientsDirectory = builder.clientsDirectory;
		this.protocol = builder.protocol;
		this.requestTimeout = builder.requestTimeout;
		this.cancellation = builder.cancellation;
		this.readySignal = builder.readySignal;
		this.readyMessage = builder.readyMessage;
		this.startupTimeout = builder.startupTimeout;
		this.heartbeatInterval = builder.heartbeatInterval;
		this.heartbeatTimeout = builder.heartbeatTimeout;
		this.instances = builder.instances;
		this.minReady = builder.minReady;
		this.instance = builder.instance;
	}

	/**
	 * Start building a definition.
	 * @param name the sidecar's name, used in bean names, logs, meters and errors
	 * @return a builder with every setting at its default
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * A builder holding this definition's settings, to derive a changed copy.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		return new Builder(this.name).command(this.command)
			.workingDirectory(this.workingDirectory)
			.environment(this.environment)
			.inheritEnvironment(this.inheritEnvironment)
			.transport(this.transport)
			.framing(this.framing)
			.socketMode(this.socketMode)
			.maxMessageSize(this.maxMessageSize)
			.stopTimeout(this.stopTimeout)
			.maxInFlight(this.maxInFlight)
			.outboundCapacity(this.outboundCapacity)
			.outboundBufferSize(this.outboundBufferSize)
			.restartPolicy(this.restartPolicy)
			.clientsDirectory(this.clientsDirectory)
			.protocol(this.protocol)
			.requestTimeout(this.requestTimeout)
			.cancellation(this.cancellation)
			.readySignal(this.readySignal)
			.readyMessage(this.readyMessage)
			.startupTimeout(this.startupTimeout)
			.heartbeatInterval(this.heartbeatInterval)
			.heartbeatTimeout(this.heartbeatTimeout)
			.instances(this.instances)
			.minReady(this.minReady)
			.instance(this.instance);
	}

	/**
	 * @return the sidecar's name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * @return the program and its arguments, run without a shell
	 */
	public List<String> command() {
		return this.command;
	}

	/**
	 * @return the child's working directory, or {@code null} for the application's
	 */
	public @Nullable Path workingDirectory() {
		return this.workingDirectory;
	}

	/**
	 * @return the directory of the bundled child clients, whose {@code python} and
	 * {@code node} subdirectories are appended to the child's {@code PYTHONPATH} and
	 * {@code NODE_PATH}; {@code null} when the child does not get them
	 */
	public @Nullable Path clientsDirectory() {
		return this.clientsDirectory;
	}

	/**
	 * @return variables added to the child's environment
	 */
	public Map<String, String> environment() {
		return this.environment;
	}

	/**
	 * @return whether the child inherits the application's environment
	 */
	public boolean inheritEnvironment() {
		return this.inheritEnvironment;
	}

	/**
	 * @return the socket type
	 */
	public Transport transport() {
		return this.transport;
	}

	/**
	 * @return the framing used on a stream transport
	 */
	public FramingType framing() {
		return this.framing;
	}

	/**
	 * @return where the child finds the socket
	 */
	public SocketMode socketMode() {
		return this.socketMode;
	}

	/**
	 * @return the largest payload, in bytes, accepted in either direction
	 */
	public int maxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * @return how long a stop waits for the child to exit after end of input, before
	 * SIGTERM
	 */
	public Duration stopTimeout() {
		return this.stopTimeout;
	}

	/**
	 * @return the most requests awaiting a reply at once
	 */
	public int maxInFlight() {
		return this.maxInFlight;
	}

	/**
	 * @return the most messages accepted but not yet written to the socket
	 */
	public int outboundCapacity() {
		return this.outboundCapacity;
	}

	/**
	 * @return the most payload bytes accepted but not yet written to the socket; a larger
	 * payload is rejected
	 */
	public long outboundBufferSize() {
		return this.outboundBufferSize;
	}

	/**
	 * @return when the child is started again after it exits on its own
	 */
	public RestartPolicy restartPolicy() {
		return this.restartPolicy;
	}

	/**
	 * @return what the messages mean: raw payloads or JSON-RPC 2.0
	 */
	public Protocol protocol() {
		return this.protocol;
	}

	/**
	 * @return the timeout of JSON-RPC calls that do not pass one
	 */
	public Duration requestTimeout() {
		return this.requestTimeout;
	}

	/**
	 * @return what a json-rpc sidecar tells the child when a call times out or is
	 * cancelled
	 */
	public RpcCancellation cancellation() {
		return this.cancellation;
	}

	/**
	 * @return when a freshly started child may be sent requests and messages
	 */
	public ReadySignal readySignal() {
		return this.readySignal;
	}

	/**
	 * @return the raw-mode message a child sends to signal readiness, with
	 * {@link ReadySignal#MESSAGE}
	 */
	public String readyMessage() {
		return this.readyMessage;
	}

	/**
	 * @return how long a child has to signal readiness, with {@link ReadySignal#MESSAGE},
	 * before its start counts as failed
	 */
	public Duration startupTimeout() {
		return this.startupTimeout;
	}

	/**
	 * @return how often a running child's liveness is checked (json-rpc: an idle child is
	 * sent {@code $/ping}; raw: the child must send something at least this often); zero
	 * when off
	 */
	public Duration heartbeatInterval() {
		return this.heartbeatInterval;
	}

	/**
	 * @return how long a running child may stay silent before it counts as hung and is
	 * killed: the configured timeout, else three heartbeat intervals (zero when the
	 * heartbeat is off)
	 */
	public Duration heartbeatTimeout() {
		return (this.heartbeatTimeout != null) ? this.heartbeatTimeout : this.heartbeatInterval.multipliedBy(3);
	}

	/**
	 * @return how many children of this definition run behind the one sidecar (a worker
	 * pool)
	 */
	public int instances() {
		return this.instances;
	}

	/**
	 * @return how many instances must be ready for the sidecar to be {@code RUNNING}
	 */
	public int minReady() {
		return this.minReady;
	}

	/**
	 * @return which instance of a pool this definition runs (0-based; the child's
	 * {@code SIDECAR_INSTANCE}), {@code 0} for a sidecar of one instance
	 */
	public int instance() {
		return this.instance;
	}

	/**
	 * @return the framing as the child sees it in {@code SIDECAR_FRAMING}:
	 * {@code seqpacket} on the seqpacket transport (which ignores the framing setting),
	 * else the framing's wire name
	 */
	public String framingWireName() {
		return (this.transport == Transport.SEQPACKET) ? Transport.SEQPACKET.wireName() : this.framing.wireName();
	}

	@Override
	public String toString() {
		return "SidecarDefinition[" + this.name + " " + this.command + ", " + this.transport + "/" + framingWireName()
				+ "/" + this.protocol.wireName() + "]";
	}

	/**
	 * Builds a {@link SidecarDefinition}, validating every setting in {@link #build()}.
	 */
	public static final class Builder {

		private final String name;

		private List<String> command = List.of();

		private @Nullable Path workingDirectory;

		private final Map<String, String> environment = new LinkedHashMap<>();

		private boolean inheritEnvironment = true;

		private Transport transport = Transport.STREAM;

		private FramingType framing = FramingType.LINES;

		private SocketMode socketMode = SocketMode.STDIO;

		private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

		private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;

		private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

		private int outboundCapacity = DEFAULT_OUTBOUND_CAPACITY;

		private long outboundBufferSize = DEFAULT_OUTBOUND_BUFFER_SIZE;

		private RestartPolicy restartPolicy = RestartPolicy.DEFAULT;

		private @Nullable Path clientsDirectory;

		private Protocol protocol = Protocol.RAW;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private RpcCancellation cancellation = RpcCancellation.NONE;

		private ReadySignal readySignal = ReadySignal.SPAWN;

		private String readyMessage = DEFAULT_READY_MESSAGE;

		private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

		private Duration heartbeatInterval = Duration.ZERO;

		private @Nullable Duration heartbeatTimeout;

		private int instances = 1;

		private int minReady = 1;

		private int instance;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * @param command the program and its arguments, run without a shell
		 * @return this builder
		 */
		public Builder command(List<String> command) {
			this.command = (command != null) ? new ArrayList<>(command) : List.of();
			return this;
		}

		/**
		 * @param command the program and its arguments, run without a shell
		 * @return this builder
		 */
		public Builder command(String... command) {
			return command(List.of(command));
		}

		/**
		 * @return the command set so far, for customizers that wrap or extend it
		 */
		public List<String> command() {
			return Collections.unmodifiableList(this.command);
		}

		/**
		 * @param workingDirectory the child's working directory, {@code null} for the
		 * application's
		 * @return this builder
		 */
		public Builder workingDirectory(@Nullable Path workingDirectory) {
			this.workingDirectory = workingDirectory;
			return this;
		}

		/**
		 * @param clientsDirectory the directory of the bundled child clients (with
		 * {@code python} and {@code node} subdirectories) to append to the child's
		 * {@code PYTHONPATH} and {@code NODE_PATH}, {@code null} for none
		 * @return this builder
		 */
		public Builder clientsDirectory(@Nullable Path clientsDirectory) {
			this.clientsDirectory = clientsDirectory;
			return this;
		}

		/**
		 * @param environment variables to add to the child's environment (replacing those
		 * set before)
		 * @return this builder
		 */
		public Builder environment(Map<String, String> environment) {
			this.environment.clear();
			if (environment != null) {
				this.environment.putAll(environment);
			}
			return this;
		}

		/**
		 * @param key variable name
		 * @param value variable value
		 * @return this builder
		 */
		public Builder environmentVariable(String key, String value) {
			this.environment.put(key, value);
			return this;
		}

		/**
		 * @param inheritEnvironment whether the child inherits the application's
		 * environment
		 * @return this builder
		 */
		public Builder inheritEnvironment(boolean inheritEnvironment) {
			this.inheritEnvironment = inheritEnvironment;
			return this;
		}

		/**
		 * @param transport the socket type
		 * @return this builder
		 */
		public Builder transport(Transport transport) {
			this.transport = transport;
			return this;
		}

		/**
		 * @param framing the framing used on a stream transport
		 * @return this builder
		 */
		public Builder framing(FramingType framing) {
			this.framing = framing;
			return this;
		}

		/**
		 * @param socketMode where the child finds the socket
		 * @return this builder
		 */
		public Builder socketMode(SocketMode socketMode) {
			this.socketMode = socketMode;
			return this;
		}

		/**
		 * @param maxMessageSize the largest payload in bytes, in either direction
		 * @return this builder
		 */
		public Builder maxMessageSize(int maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
			return this;
		}

		/**
		 * @param stopTimeout how long a stop waits after end of input before SIGTERM
		 * @return this builder
		 */
		public Builder stopTimeout(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
			return this;
		}

		/**
		 * @param maxInFlight the most requests awaiting a reply at once
		 * @return this builder
		 */
		public Builder maxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
			return this;
		}

		/**
		 * @param outboundCapacity the most messages accepted but not yet written
		 * @return this builder
		 */
		public Builder outboundCapacity(int outboundCapacity) {
			this.outboundCapacity = outboundCapacity;
			return this;
		}

		/**
		 * @param outboundBufferSize the most payload bytes accepted but not yet written
		 * @return this builder
		 */
		public Builder outboundBufferSize(long outboundBufferSize) {
			this.outboundBufferSize = outboundBufferSize;
			return this;
		}

		/**
		 * @param restartPolicy when the child is started again after it exits on its own
		 * @return this builder
		 */
		public Builder restartPolicy(RestartPolicy restartPolicy) {
			this.restartPolicy = restartPolicy;
			return this;
		}

		/**
		 * @param protocol what the messages mean: raw payloads or JSON-RPC 2.0
		 * @return this builder
		 */
		public Builder protocol(Protocol protocol) {
			this.protocol = protocol;
			return this;
		}

		/**
		 * @param requestTimeout the timeout of JSON-RPC calls that do not pass one
		 * @return this builder
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * @param cancellation what a json-rpc sidecar tells the child when a call times
		 * out or is cancelled
		 * @return this builder
		 */
		public Builder cancellation(RpcCancellation cancellation) {
			this.cancellation = cancellation;
			return this;
		}

		/**
		 * @param readySignal when a freshly started child may be sent requests and
		 * messages
		 * @return this builder
		 */
		public Builder readySignal(ReadySignal readySignal) {
			this.readySignal = readySignal;
			return this;
		}

		/**
		 * @param readyMessage the raw-mode message a child sends to signal readiness
		 * @return this builder
		 */
		public Builder readyMessage(String readyMessage) {
			this.readyMessage = readyMessage;
			return this;
		}

		/**
		 * @param startupTimeout how long a child has to signal readiness before its start
		 * counts as failed
		 * @return this builder
		 */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = startupTimeout;
			return this;
		}

		/**
		 * @param heartbeatInterval how often a running child's liveness is checked; zero
		 * turns it off
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		/**
		 * @param heartbeatTimeout how long a running child may stay silent before it
		 * counts as hung, or {@code null} for three heartbeat intervals
		 * @return this builder
		 */
		public Builder heartbeatTimeout(@Nullable Duration heartbeatTimeout) {
			this.heartbeatTimeout = heartbeatTimeout;
			return this;
		}

		/**
		 * @param instances how many children of this definition run behind the one
		 * sidecar
		 * @return this builder
		 */
		public Builder instances(int instances) {
			this.instances = instances;
			return this;
		}

		/**
		 * @param minReady how many instances must be ready for the sidecar to be
		 * {@code RUNNING}
		 * @return this builder
		 */
		public Builder minReady(int minReady) {
			this.minReady = minReady;
			return this;
		}

		/**
		 * @param instance which instance of a pool this definition runs (0-based)
		 * @return this builder
		 */
		public Builder instance(int instance) {
			this.instance = instance;
			return this;
		}

		/**
		 * Validate the settings and build the definition. The command is checked when the
		 * sidecar starts, so that with fail-fast off a bad command leaves one sidecar
		 * failed, not the application.
		 * @return the definition
		 * @throws SidecarConfigurationException naming the setting to fix
		 */
		public SidecarDefinition build() {
			if (this.name == null || this.name.isBlank()) {
				throw new SidecarConfigurationException(String.valueOf(this.name), "name",
						"a sidecar needs a non-empty name");
			}
			require(this.transport != null, "transport", "the transport must be stream or seqpacket");
			require(this.framing != null, "framing", "the framing must be lines, length-prefixed or content-length");
			require(this.protocol != null, "protocol", "the protocol must be raw or json-rpc");
			require(this.requestTimeout != null && !this.requestTimeout.isNegative() && !this.requestTimeout.isZero(),
					"request-timeout", "the request timeout must be positive, got " + this.requestTimeout);
			require(this.cancellation != null, "json-rpc.cancellation", "the cancellation must be none, lsp or mcp");
			require(this.readySignal != null, "startup.ready", "the readiness signal must be spawn or message");
			require(this.readyMessage != null && !this.readyMessage.isEmpty(), "startup.ready-message",
					"the ready message must not be empty");
			require(this.startupTimeout != null && !this.startupTimeout.isNegative() && !this.startupTimeout.isZero(),
					"startup.timeout", "the startup timeout must be positive, got " + this.startupTimeout);
			require(this.instances >= 1, "instances", "a sidecar needs at least 1 instance, got " + this.instances);
			require(this.minReady >= 1 && this.minReady <= this.instances, "min-ready",
					"min-ready must be between 1 and instances (" + this.instances + "), got " + this.minReady);
			require(this.instance >= 0 && this.instance < this.instances, "instance",
					"the instance index must be between 0 and instances - 1, got " + this.instance);
			require(this.heartbeatInterval != null && !this.heartbeatInterval.isNegative(), "heartbeat.interval",
					"the heartbeat interval must be zero (off) or positive, got " + this.heartbeatInterval);
			require(this.heartbeatTimeout == null || this.heartbeatTimeout.compareTo(this.heartbeatInterval) > 0,
					"heartbeat.timeout", "the heartbeat timeout must be longer than heartbeat.interval ("
							+ this.heartbeatInterval + "), got " + this.heartbeatTimeout);
			require(this.socketMode != null, "socket", "the socket mode must be stdio or fd3");
			require(this.maxMessageSize > 0 && this.maxMessageSize <= MAX_MESSAGE_SIZE_LIMIT, "max-message-size",
					"the maximum message size must be between 1 and " + MAX_MESSAGE_SIZE_LIMIT + " bytes, got "
							+ this.maxMessageSize);
			require(this.stopTimeout != null && !this.stopTimeout.isNegative(), "stop-timeout",
					"the stop timeout must be zero or positive, got " + this.stopTimeout);
			require(this.maxInFlight > 0, "max-in-flight", "max-in-flight must be positive, got " + this.maxInFlight);
			require(this.outboundCapacity > 0, "outbound-capacity",
					"outbound-capacity must be positive, got " + this.outboundCapacity);
			require(this.outboundBufferSize > 0, "outbound-buffer-size",
					"outbound-buffer-size must be positive, got " + this.outboundBufferSize + " bytes");
			require(this.restartPolicy != null && this.restartPolicy.problem() == null, "restart",
					(this.restartPolicy != null) ? this.restartPolicy.problem() : "a restart policy is required");
			this.environment.forEach((key, value) -> require(key != null && value != null && !key.contains("="),
					"environment", "environment variable '" + key + "' needs a name without '=' and a value"));
			return new SidecarDefinition(this);
		}

		private void require(boolean condition, String setting, String problem) {
			if (!condition) {
				throw new SidecarConfigurationException(this.name, setting, problem);
			}
		}

	}

}
