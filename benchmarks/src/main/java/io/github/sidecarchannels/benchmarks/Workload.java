package io.github.sidecarchannels.benchmarks;

/**
 * What every system is measured on. The names are the ones all runners (Java, C, Node,
 * Python) print in their JSON lines, so the harness can put the numbers side by side.
 */
enum Workload {

	/** 64-byte messages, 64 in flight: messages per second. */
	TPUT64("tput64", 64, 64),

	/** 4 KiB messages, 64 in flight: messages per second. */
	TPUT4K("tput4k", 4096, 64),

	/** 64-byte ping-pong, one in flight: round-trip percentiles in microseconds. */
	RTT("rtt", 64, 1),

	/**
	 * 1 MiB messages, 4 in flight (4 MiB on the wire at once): payload megabytes per
	 * second.
	 */
	BULK("bulk", 1024 * 1024, 4),

	/** Start a fresh child and wait for the echo of one 64-byte message: milliseconds. */
	SPAWN("spawn", 64, 1);

	final String id;

	final int size;

	final int window;

	Workload(String id, int size, int window) {
		this.id = id;
		this.size = size;
		this.window = window;
	}

	static Workload byId(String id) {
		for (Workload workload : values()) {
			if (workload.id.equals(id)) {
				return workload;
			}
		}
		throw new IllegalArgumentException("unknown workload '" + id + "'");
	}

}
