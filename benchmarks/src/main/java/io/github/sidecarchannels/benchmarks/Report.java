package io.github.sidecarchannels.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleFunction;

/**
 * Turns the collected runner output into the Markdown results: machine, goals, one table
 * per workload, idle costs and notes. Ratios are always against the C baseline measured
 * in the same run.
 */
final class Report {

	private static final String DASH = "–";

	private final Map<String, String> machine;

	private final Settings settings;

	private final List<SystemSpec> systems;

	private final Map<String, Map<String, Json.Result>> results;

	private final Map<String, String> skipped;

	private final Map<String, Json.Result> idle;

	private final double minutes;

	private final Map<String, String> notes = new LinkedHashMap<>();

	Report(Map<String, String> machine, Settings settings, List<SystemSpec> systems,
			Map<String, Map<String, Json.Result>> results, Map<String, String> skipped, Map<String, Json.Result> idle,
			double minutes) {
		this.machine = machine;
		this.settings = settings;
		this.systems = systems;
		this.results = results;
		this.skipped = skipped;
		this.idle = idle;
		this.minutes = minutes;
	}

	String render() {
		StringBuilder md = new StringBuilder();
		md.append("# Sidecar Channels benchmark results\n\n");
		md.append(String.format(Locale.ROOT,
				"Produced by `benchmarks/run.sh%s` (%s mode) on %s; the run took %.1f minutes.%n%n",
				this.settings.name().equals("quick") ? " --quick" : "", this.settings.name(), this.machine.get("date"),
				this.minutes));
		if (this.settings.name().equals("quick")) {
			md.append("> Quick mode is a smoke test (")
				.append(this.settings.runMillis())
				.append(" ms runs, ")
				.append(this.settings.idleCount())
				.append(" idle sidecars, pinned round trip for C and the starter only, without ")
				.append(String.join(", ", new TreeSet<>(SystemSpec.FULL_RUN_ONLY)))
				.append("): the harness works end to end, ")
				.append("but do not quote these numbers.\n\n");
		}
		md.append(String.format(Locale.ROOT,
				"Every figure is the median of %d measured runs of %d ms: %d fresh process(es) per system, run in "
						+ "interleaved rounds, each measuring %d run(s) after %d warm-up run(s) of its own. The lowest and "
						+ "highest run are shown as min%smax. Spawn: %d spawns (%d per process after %d warm-ups); pinned "
						+ "round trip: %d runs of one process; idle: %d fresh JVMs. \"× C\" compares with the C baseline "
						+ "of the same transport, measured in this run: C stream for stream, pipe, TCP and IPC rows, "
						+ "C seqpacket for seqpacket rows.%n%n",
				this.settings.totalRuns(), this.settings.runMillis(), this.settings.processes(), this.settings.runs(),
				this.settings.warmups(), DASH, this.settings.totalSpawns(), this.settings.spawnRuns(),
				this.settings.spawnWarmups(), this.settings.pinnedRuns(), this.settings.idleRuns()));
		machine(md);
		goals(md);
		throughput(md);
		roundTrips(md);
		rpc(md);
		bulk(md);
		spawn(md);
		idle(md);
		notes(md);
		return md.toString();
	}

	// ---- sections

	private void machine(StringBuilder md) {
		md.append("## Machine\n\n| | |\n|---|---|\n");
		this.machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
		md.append('\n');
	}

	private void throughput(StringBuilder md) {
		md.append("## Throughput, 64 messages in flight (messages/s)\n\n");
		md.append("| system | child | 64 B | min")
			.append(DASH)
			.append("max | × C | 4 KiB | min")
			.append(DASH)
			.append("max | × C |\n|---|---|--:|--:|--:|--:|--:|--:|\n");
		for (SystemSpec spec : this.systems) {
			if (spec.isRpc()) {
				continue;
			}
			md.append("| ").append(spec.label()).append(" | ").append(spec.child());
			for (String workload : List.of("tput64", "tput4k")) {
				cells(md, spec, workload, "rate", Report::rate, true);
			}
			md.append(" |\n");
		}
		md.append('\n');
	}

	private void roundTrips(StringBuilder md) {
		md.append("## Round trip, 64-byte ping-pong (µs)\n\n");
		md.append("Starter channel rows: `outbound().send` and wait for the inbound subscriber; request rows: ")
			.append("`request()`. The C baseline writes and reads on one thread; every JVM system hands the reply ")
			.append("from a reader thread to the caller. Measured twice: with default scheduling, where a ")
			.append("process-to-process round trip on this kind of VM is bimodal (about 8 µs when both ends share ")
			.append("a core, about 45 µs when each wake-up crosses vCPUs; runs flip between the two, see min")
			.append(DASH)
			.append("max), and with the runner and its children pinned to one CPU (`taskset -c 0`), ")
			.append("which leaves only the software path.\n\n");
		roundTrip(md, "Default scheduling", "rtt");
		roundTrip(md, "Pinned to one CPU", BenchmarkMain.RTT_ONE_CPU);
	}

	private void roundTrip(StringBuilder md, String title, String workload) {
		md.append("### ").append(title).append("\n\n");
		md.append("| system | p50 | min")
			.append(DASH)
			.append("max | p99 | min")
			.append(DASH)
			.append("max | p99.9 | min")
			.append(DASH)
			.append("max | p50 × C |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
		for (SystemSpec spec : this.systems) {
			if (spec.isRpc() || !spec.runs(workload)) {
				continue;
			}
			md.append("| ").append(spec.label());
			String problem = problem(spec.id(), workload);
			if (problem != null) {
				md.append(" | ").append(problem).append(" | | | | | | |\n");
				continue;
			}
			for (String metric : List.of("p50", "p99", "p999")) {
				Stats stats = stats(spec.id(), workload, metric);
				md.append(" | ")
					.append(micros(stats.median()))
					.append(" | ")
					.append(micros(stats.min()))
					.append(DASH)
					.append(micros(stats.max()));
			}
			md.append(" | ").append(ratioCell(ratio(spec, workload, "p50"))).append(" |\n");
		}
		md.append('\n');
	}

	/**
	 * The JSON-RPC comparison: the same Node echo child for every row, 64 B params, 64
	 * calls in flight.
	 */
	private void rpc(StringBuilder md) {
		if (this.systems.stream().noneMatch(SystemSpec::isRpc)) {
			return;
		}
		md.append("## JSON-RPC calls to one child, 64 in flight and round trip\n\n");
		md.append("Every row calls `echo` (LSP4J, the starter) or `tools/call echo` after an MCP `initialize` (MCP ")
			.append("SDK) on the same Node child, `rpc-echo.js`, with a 64-character message. The starter talks over its ")
			.append("socketpair; LSP4J and the MCP SDK over the child's stdin/stdout pipes, as their users run them. ")
			.append("\"starter ×\" is the starter row of the same framing divided by this row (throughput) and this ")
			.append("row's p50 divided by the starter's (round trip): above 1 means the starter is ahead.\n\n");
		md.append("| system | framing | calls/s | min")
			.append(DASH)
			.append("max | p50 µs | min")
			.append(DASH)
			.append("max | p99 µs | starter × (calls/s) | starter × (p50) |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
		for (SystemSpec spec : this.systems) {
			if (!spec.isRpc()) {
				continue;
			}
			String starter = rpcStarterFor(spec.id());
			md.append("| ")
				.append(spec.label())
				.append(" | ")
				.append(starter.equals(SystemSpec.RPC_STARTER_LINES) ? "lines" : "content-length");
			cells(md, spec, "tput64", "rate", Report::rate, false);
			cells(md, spec, "rtt", "p50", Report::micros, false);
			Stats p99 = stats(spec.id(), "rtt", "p99");
			md.append(" | ").append((p99 != null) ? micros(p99.median()) : "");
			boolean self = starter.equals(spec.id());
			Double rate = self ? null : ratioAgainst(starter, "tput64", "rate", spec.id());
			Double p50 = self ? null : ratioAgainst(spec.id(), "rtt", "p50", starter);
			md.append(" | ").append(ratioCell(rate)).append(" | ").append(ratioCell(p50)).append(" |\n");
		}
		md.append('\n');
	}

	/**
	 * @return the starter row an RPC row is compared with: content-length for LSP4J,
	 * lines otherwise
	 */
	private static String rpcStarterFor(String id) {
		return (id.equals(SystemSpec.RPC_LSP4J) || id.equals(SystemSpec.RPC_STARTER_CONTENT_LENGTH))
				? SystemSpec.RPC_STARTER_CONTENT_LENGTH : SystemSpec.RPC_STARTER_LINES;
	}

	private void bulk(StringBuilder md) {
		md.append("## 1 MiB messages, 4 in flight (MB/s of payload echoed, 1 MB = 10^6 bytes)\n\n");
		md.append("| system | MB/s | min").append(DASH).append("max | × C |\n|---|--:|--:|--:|\n");
		for (SystemSpec spec : this.systems) {
			if (spec.isRpc()) {
				continue;
			}
			md.append("| ").append(spec.label());
			cells(md, spec, "bulk", "mbps", (v) -> String.format(Locale.ROOT, "%.0f", v), true);
			md.append(" |\n");
		}
		md.append('\n');
	}

	private void spawn(StringBuilder md) {
		md.append("## Spawn → first reply (ms)\n\n");
		md.append("From nothing to the echo of one 64-byte message: create the socket or pipes, start the child, ")
			.append("send, receive. The C row (posix_spawn of the same child) is the child's own start, so ")
			.append("\"beyond C\" is what each system adds to it. Node and Python start their own interpreter ")
			.append("(Python forks), so their children differ.\n\n");
		md.append("| system | child | ms | min").append(DASH).append("max | beyond C (ms) |\n|---|---|--:|--:|--:|\n");
		for (SystemSpec spec : this.systems) {
			if (!spec.runs("spawn")) {
				continue;
			}
			md.append("| ").append(spec.label()).append(" | ").append(spec.child());
			String problem = problem(spec.id(), "spawn");
			Stats stats = stats(spec.id(), "spawn", "ms");
			if (problem != null || stats == null) {
				md.append(" | ").append(problem).append(" | | |\n");
				continue;
			}
			Stats baseline = stats(spec.baselineId(), "spawn", "ms");
			md.append(" | ")
				.append(millis(stats.median()))
				.append(" | ")
				.append(millis(stats.min()))
				.append(DASH)
				.append(millis(stats.max()))
				.append(" | ")
				.append((baseline != null) ? String.format(Locale.ROOT, "%+.2f", stats.median() - baseline.median())
						: "")
				.append(" |\n");
		}
		md.append('\n');
	}

	private void idle(StringBuilder md) {
		if (this.idle.isEmpty()) {
			return;
		}
		md.append("## Idle sidecars: cost per running sidecar\n\n");
		md.append(this.settings.idleCount())
			.append(" sidecars with default settings (child `cat`, or seqecho for ")
			.append("seqpacket) started and left idle; growth divided by their number. Heap is used heap after ")
			.append("System.gc() (MemoryMXBean); direct is the JVM's direct buffer pool (off-heap); threads are all ")
			.append("live threads (ThreadMXBean) and Thread.activeCount() (the main group only, which misses the ")
			.append("JDK's process reaper threads); fds from /proc/self/fd.\n\n");
		md.append("| transport | heap | direct buffers | threads (all) | threads (activeCount) | fds |\n")
			.append("|---|--:|--:|--:|--:|--:|\n");
		this.idle.forEach((transport, result) -> {
			md.append("| ").append(transport);
			if (result.error() != null || result.skipped() != null) {
				String text = (result.error() != null) ? "failed" : "skipped";
				this.notes.put("idle " + transport, (result.error() != null) ? result.error() : result.skipped());
				md.append(" | ").append(text).append(" | | | | |\n");
				return;
			}
			md.append(" | ").append(idleCell(result, "heapBytes", Report::kib));
			md.append(" | ").append(idleCell(result, "directBytes", Report::kib));
			md.append(" | ").append(idleCell(result, "threads", Report::count));
			md.append(" | ").append(idleCell(result, "activeThreads", Report::count));
			md.append(" | ").append(idleCell(result, "fds", Report::count)).append(" |\n");
		});
		md.append('\n');
	}

	private static String idleCell(Json.Result result, String metric, DoubleFunction<String> format) {
		Stats stats = Stats.of(result.metrics().get(metric));
		if (stats == null) {
			return "";
		}
		return format.apply(stats.median()) + " (" + format.apply(stats.min()) + DASH + format.apply(stats.max()) + ")";
	}

	private void notes(StringBuilder md) {
		if (this.notes.isEmpty()) {
			return;
		}
		md.append("## Notes\n\n");
		this.notes.forEach((what, why) -> md.append("- ").append(what).append(": ").append(why).append('\n'));
		md.append('\n');
	}

	// ---- goals

	private void goals(StringBuilder md) {
		md.append("## Goals (reported, never asserted)\n\n| goal | measured | met |\n|---|---|---|\n");
		goal(md, "stream framings, channel API: msg/s ≥ 1.0× C stream",
				throughputChecks(this::isStreamChannels, SystemSpec.C_STREAM, 1.0, true));
		goal(md, "seqpacket, channel API: msg/s ≥ 0.7× C seqpacket (C stream ratio in brackets)", seqpacketChecks());
		goal(md, "channel API: msg/s ≥ 2× Node IPC",
				throughputChecks(SystemSpec::isStarterChannels, SystemSpec.NODE_IPC, 2.0, true));
		goal(md, "channel API: msg/s ≥ 2× Python multiprocessing",
				throughputChecks(SystemSpec::isStarterChannels, SystemSpec.PYTHON_MP, 2.0, true));
		goal(md, "requestAsync: msg/s ≥ 3× Spring Integration TCP gateway (both request/reply)",
				throughputChecks(SystemSpec::isStarterRequests, SystemSpec.SPRING_INTEGRATION, 3.0, true));
		goal(md, "request(): round-trip p50 ≤ 1.2× C, default scheduling", roundTripChecks("rtt"));
		goal(md, "request(): round-trip p50 ≤ 1.2× C, pinned to one CPU", roundTripChecks(BenchmarkMain.RTT_ONE_CPU));
		goal(md, "1 MiB messages: MB/s ≥ 0.7× C", bulkChecks());
		goal(md, "JSON-RPC callAsync, 64 in flight: ≥ 3× LSP4J (content-length) and MCP Java SDK (lines)",
				rpcChecks("tput64", "rate", 3.0));
		goal(md, "JSON-RPC round-trip p50 no worse than LSP4J and MCP Java SDK", rpcChecks("rtt", "p50", 1.0));
		goal(md, "≤ 2 threads per idle sidecar", idleChecks("threads", 2, Report::count));
		goal(md, "≤ 1 MiB heap per idle sidecar", idleChecks("heapBytes", 1024 * 1024, Report::kib));
		md.append('\n');
	}

	private boolean isStreamChannels(SystemSpec spec) {
		return spec.isStarterChannels() && !spec.seqpacket();
	}

	/**
	 * One comparison inside a goal.
	 *
	 * @param label what is compared
	 * @param text the measured figure as shown
	 * @param met whether it meets the goal, {@code null} when a figure is missing
	 */
	private record Check(String label, String text, Boolean met) {
	}

	private List<Check> throughputChecks(java.util.function.Predicate<SystemSpec> which, String against, double atLeast,
			boolean both) {
		List<Check> checks = new ArrayList<>();
		for (SystemSpec spec : this.systems) {
			if (!which.test(spec)) {
				continue;
			}
			for (String workload : both ? List.of("tput64", "tput4k") : List.of("tput64")) {
				Double ratio = ratioAgainst(spec.id(), workload, "rate", against);
				String label = spec.framing() + " " + size(workload);
				checks.add(new Check(label, (ratio != null) ? times(ratio) : "n/a",
						(ratio != null) ? ratio >= atLeast : null));
			}
		}
		return checks;
	}

	private List<Check> seqpacketChecks() {
		List<Check> checks = new ArrayList<>();
		for (SystemSpec spec : this.systems) {
			if (!spec.isStarterChannels() || !spec.seqpacket()) {
				continue;
			}
			for (String workload : List.of("tput64", "tput4k")) {
				Double ratio = ratioAgainst(spec.id(), workload, "rate", SystemSpec.C_SEQPACKET);
				Double stream = ratioAgainst(spec.id(), workload, "rate", SystemSpec.C_STREAM);
				String text = ((ratio != null) ? times(ratio) : "n/a")
						+ ((stream != null) ? " (" + times(stream) + ")" : "");
				checks.add(new Check(size(workload), text, (ratio != null) ? ratio >= 0.7 : null));
			}
		}
		return checks;
	}

	private List<Check> roundTripChecks(String workload) {
		List<Check> checks = new ArrayList<>();
		for (SystemSpec spec : this.systems) {
			if (spec.isStarterRequests()) {
				Double ratio = ratio(spec, workload, "p50");
				checks.add(new Check(spec.framing(), (ratio != null) ? times(ratio) : "n/a",
						(ratio != null) ? ratio <= 1.2 : null));
			}
		}
		return checks;
	}

	private List<Check> bulkChecks() {
		List<Check> checks = new ArrayList<>();
		for (SystemSpec spec : this.systems) {
			if (spec.isStarter()) {
				Double ratio = ratio(spec, "bulk", "mbps");
				String api = spec.isStarterChannels() ? "channels " : "requests ";
				checks.add(new Check(api + spec.framing(), (ratio != null) ? times(ratio) : "n/a",
						(ratio != null) ? ratio >= 0.7 : null));
			}
		}
		return checks;
	}

	/**
	 * Starter against LSP4J and the MCP SDK, each as "starter is ahead by": the starter's
	 * rate over theirs, or their p50 over the starter's.
	 */
	private List<Check> rpcChecks(String workload, String metric, double atLeast) {
		List<Check> checks = new ArrayList<>();
		for (String other : List.of(SystemSpec.RPC_LSP4J, SystemSpec.RPC_MCP_SDK)) {
			if (this.systems.stream().noneMatch((spec) -> spec.id().equals(other))) {
				continue;
			}
			String starter = rpcStarterFor(other);
			Double ratio = metric.equals("rate") ? ratioAgainst(starter, workload, metric, other)
					: ratioAgainst(other, workload, metric, starter);
			String label = other.equals(SystemSpec.RPC_LSP4J) ? "vs LSP4J" : "vs MCP SDK";
			checks.add(new Check(label, (ratio != null) ? times(ratio) : "n/a",
					(ratio != null) ? ratio >= atLeast : null));
		}
		return checks;
	}

	private List<Check> idleChecks(String metric, double atMost, DoubleFunction<String> format) {
		List<Check> checks = new ArrayList<>();
		this.idle.forEach((transport, result) -> {
			Stats stats = Stats.of(result.metrics().get(metric));
			checks.add(new Check(transport, (stats != null) ? format.apply(stats.median()) : "n/a",
					(stats != null) ? stats.median() <= atMost : null));
		});
		return checks;
	}

	private static void goal(StringBuilder md, String goal, List<Check> checks) {
		List<String> parts = new ArrayList<>();
		int met = 0;
		int known = 0;
		for (Check check : checks) {
			parts.add(check.label() + " " + check.text() + ((Boolean.FALSE.equals(check.met())) ? " ✗" : ""));
			if (check.met() != null) {
				known++;
				met += check.met() ? 1 : 0;
			}
		}
		String verdict;
		if (checks.isEmpty() || known < checks.size()) {
			verdict = "n/a (figures missing)";
		}
		else if (met == checks.size()) {
			verdict = "**yes**";
		}
		else {
			verdict = "**no** (" + met + " of " + checks.size() + ")";
		}
		md.append("| ")
			.append(goal)
			.append(" | ")
			.append(String.join("; ", parts))
			.append(" | ")
			.append(verdict)
			.append(" |\n");
	}

	// ---- figures

	private void cells(StringBuilder md, SystemSpec spec, String workload, String metric, DoubleFunction<String> format,
			boolean withRatio) {
		String problem = problem(spec.id(), workload);
		Stats stats = stats(spec.id(), workload, metric);
		if (problem != null || stats == null) {
			md.append(" | ").append((problem != null) ? problem : "n/a").append(" | |").append(withRatio ? " |" : "");
			return;
		}
		md.append(" | ")
			.append(format.apply(stats.median()))
			.append(" | ")
			.append(format.apply(stats.min()))
			.append(DASH)
			.append(format.apply(stats.max()));
		if (withRatio) {
			md.append(" | ").append(ratioCell(ratio(spec, workload, metric)));
		}
	}

	/**
	 * @return "skipped" or "failed" (with a note), or {@code null} when there are figures
	 */
	private String problem(String id, String workload) {
		if (this.skipped.containsKey(id)) {
			this.notes.put(label(id), "skipped: " + this.skipped.get(id));
			return "skipped";
		}
		Map<String, Json.Result> byWorkload = this.results.get(id);
		Json.Result result = (byWorkload != null) ? byWorkload.get(workload) : null;
		if (result == null) {
			return "not run";
		}
		if (result.skipped() != null) {
			this.notes.put(label(id) + ", " + workload, "skipped: " + result.skipped());
			return "skipped";
		}
		if (result.error() != null) {
			this.notes.put(label(id) + ", " + workload, "failed: " + result.error());
			return "failed";
		}
		return null;
	}

	private String label(String id) {
		for (SystemSpec spec : this.systems) {
			if (spec.id().equals(id)) {
				return spec.label();
			}
		}
		return id;
	}

	private Stats stats(String id, String workload, String metric) {
		Map<String, Json.Result> byWorkload = this.results.get(id);
		Json.Result result = (byWorkload != null) ? byWorkload.get(workload) : null;
		if (result == null || result.error() != null || result.skipped() != null) {
			return null;
		}
		return Stats.of(result.metrics().get(metric));
	}

	/** Against the C baseline of the system's transport. */
	private Double ratio(SystemSpec spec, String workload, String metric) {
		return ratioAgainst(spec.id(), workload, metric, spec.baselineId());
	}

	private Double ratioAgainst(String id, String workload, String metric, String baselineId) {
		Stats stats = stats(id, workload, metric);
		Stats baseline = stats(baselineId, workload, metric);
		if (stats == null || baseline == null || baseline.median() == 0) {
			return null;
		}
		return stats.median() / baseline.median();
	}

	private static String ratioCell(Double ratio) {
		return (ratio != null) ? times(ratio) : "";
	}

	private static String times(double ratio) {
		return String.format(Locale.ROOT, "%.2f×", ratio);
	}

	private static String size(String workload) {
		return workload.equals("tput64") ? "64 B" : "4 KiB";
	}

	static String rate(double perSecond) {
		if (perSecond >= 1e6) {
			return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
		}
		if (perSecond >= 1e5) {
			return String.format(Locale.ROOT, "%.0f k", perSecond / 1e3);
		}
		return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
	}

	private static String micros(double value) {
		return String.format(Locale.ROOT, value >= 100 ? "%.0f" : "%.1f", value);
	}

	private static String millis(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

	private static String kib(double bytes) {
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
	}

	private static String count(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
