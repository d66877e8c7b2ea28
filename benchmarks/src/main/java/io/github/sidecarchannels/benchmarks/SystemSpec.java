package io.github.sidecarchannels.benchmarks;

import java.util.List;
import java.util.Set;

/**
 * One system in the comparison and how to run it.
 *
 * @param id the runner's system id (Java systems) or a harness id (C, Node, Python)
 * @param label the row label in the tables
 * @param child what the system echoes through
 * @param kind how it is run
 * @param seqpacket whether its C baseline is the seqpacket one (else the stream one)
 */
record SystemSpec(String id, String label, String child, Kind kind, boolean seqpacket) {

	/** How a system's runner is started. */
	enum Kind {

		/** {@link Runner} in a fresh JVM. */
		JVM,

		/** The compiled cbench program. */
		C,

		/** The Node script. */
		NODE,

		/** The Python script. */
		PYTHON

	}

	static final String C_STREAM = "c-stream";

	static final String C_SEQPACKET = "c-seqpacket";

	static final String NODE_IPC = "node-ipc";

	static final String PYTHON_MP = "python-mp";

	static final String SPRING_INTEGRATION = "spring-integration-tcp";

	static final String C_STREAM_BATCHED = "c-stream-batched";

	static final String RPC_STARTER_LINES = "rpc-starter-lines";

	static final String RPC_STARTER_CONTENT_LENGTH = "rpc-starter-content-length";

	static final String RPC_LSP4J = "rpc-lsp4j";

	static final String RPC_MCP_SDK = "rpc-mcp-sdk";

	private static final String RPC_CHILD = "node rpc-echo.js";

	/**
	 * The JVM references a quick run leaves out: each costs a fresh JVM (about a second
	 * before any work, the MCP SDK's start and initialize about five), and the smoke test
	 * still runs every runner kind, every starter row and a JVM reference of each family
	 * (pipes for channels, LSP4J for JSON-RPC).
	 */
	static final Set<String> FULL_RUN_ONLY = Set.of("raw-junixsocket-stream", "raw-junixsocket-seqpacket",
			SPRING_INTEGRATION, RPC_STARTER_CONTENT_LENGTH, RPC_MCP_SDK);

	/**
	 * Every system, in table order: baselines, the starter, JVM alternatives, other
	 * ecosystems.
	 */
	static List<SystemSpec> all() {
		return List.of(new SystemSpec(C_STREAM, "C socketpair, stream, 1 msg/syscall", "cat", Kind.C, false),
				new SystemSpec(C_SEQPACKET, "C socketpair, seqpacket, 1 msg/syscall", "seqecho", Kind.C, true),
				new SystemSpec(C_STREAM_BATCHED, "best C: socketpair, stream, free window in 1 write, 64 KiB reads",
						"cat", Kind.C, false),
				new SystemSpec("starter-channels-lines", "starter channels, lines", "cat", Kind.JVM, false),
				new SystemSpec("starter-channels-length-prefixed", "starter channels, length-prefixed", "cat", Kind.JVM,
						false),
				new SystemSpec("starter-channels-seqpacket", "starter channels, seqpacket", "seqecho", Kind.JVM, true),
				new SystemSpec("starter-requests-lines", "starter requestAsync/request, lines", "cat", Kind.JVM, false),
				new SystemSpec("starter-requests-length-prefixed", "starter requestAsync/request, length-prefixed",
						"cat", Kind.JVM, false),
				new SystemSpec("starter-requests-seqpacket", "starter requestAsync/request, seqpacket", "seqecho",
						Kind.JVM, true),
				new SystemSpec("raw-junixsocket-stream", "raw junixsocket, stream, 4-byte frames", "cat", Kind.JVM,
						false),
				new SystemSpec("raw-junixsocket-seqpacket", "raw junixsocket, seqpacket", "seqecho", Kind.JVM, true),
				new SystemSpec("pipes", "ProcessBuilder pipes, 4-byte frames", "cat", Kind.JVM, false),
				new SystemSpec(SPRING_INTEGRATION, "Spring Integration TCP gateway, 127.0.0.1", "tcpecho", Kind.JVM,
						false),
				new SystemSpec(NODE_IPC, "Node child_process.fork IPC, json", "node", Kind.NODE, false),
				new SystemSpec(PYTHON_MP, "Python multiprocessing.Pipe, bytes", "python3 (fork)", Kind.PYTHON, false),
				new SystemSpec(RPC_STARTER_LINES, "starter SidecarRpc.callAsync, lines", RPC_CHILD, Kind.JVM, false),
				new SystemSpec(RPC_STARTER_CONTENT_LENGTH, "starter SidecarRpc.callAsync, content-length", RPC_CHILD,
						Kind.JVM, false),
				new SystemSpec(RPC_LSP4J, "LSP4J Launcher, content-length, pipes", RPC_CHILD, Kind.JVM, false),
				new SystemSpec(RPC_MCP_SDK, "MCP Java SDK async client, stdio, tools/call echo", RPC_CHILD, Kind.JVM,
						false));
	}

	/**
	 * @param workload a workload id, the pinned round trip included
	 * @return whether this system runs it: the JSON-RPC systems run throughput at 64 B
	 * and the round trip, the batched C row only the pipelined workloads (its round trip
	 * and spawn are the C stream ones)
	 */
	boolean runs(String workload) {
		if (isRpc()) {
			return workload.equals(Workload.TPUT64.id) || workload.equals(Workload.RTT.id);
		}
		if (this.id.equals(C_STREAM_BATCHED)) {
			return workload.equals(Workload.TPUT64.id) || workload.equals(Workload.TPUT4K.id)
					|| workload.equals(Workload.BULK.id);
		}
		return true;
	}

	/**
	 * @return whether this is one of the JSON-RPC systems, which have a table and
	 * workloads of their own
	 */
	boolean isRpc() {
		return this.id.startsWith("rpc-");
	}

	boolean isStarter() {
		return this.id.startsWith("starter-");
	}

	boolean isStarterChannels() {
		return this.id.startsWith("starter-channels-");
	}

	boolean isStarterRequests() {
		return this.id.startsWith("starter-requests-");
	}

	/**
	 * @return the framing part of a starter id: lines, length-prefixed or seqpacket
	 */
	String framing() {
		return this.id.replaceFirst("^starter-(channels|requests)-", "");
	}

	String baselineId() {
		return this.seqpacket ? C_SEQPACKET : C_STREAM;
	}

}
