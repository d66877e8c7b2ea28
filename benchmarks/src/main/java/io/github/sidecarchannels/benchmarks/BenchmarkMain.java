package io.github.sidecarchannels.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The harness: runs every system's runner in a process of its own, one after the other
 * (the machine has two cores; nothing else may compete), collects their JSON lines, and
 * prints the results tables, also written to {@code --out}. Started by
 * {@code benchmarks/run.sh}: <pre>
 * BenchmarkMain --home benchmarks [--quick] [--out FILE] [--only id,id]
 * </pre>
 */
public final class BenchmarkMain {

	/** The round trip measured with the runner and its children pinned to CPU 0. */
	static final String RTT_ONE_CPU = "rtt-1cpu";

	/** How many times the usual warm-up runs the JSON-RPC systems get. */
	static final int RPC_WARMUP_FACTOR = 7;

	private final Path home;

	private final Settings settings;

	private final Path logs;

	/** Runners still alive, so an interrupted harness can end them and their children. */
	private final Set<Process> running = ConcurrentHashMap.newKeySet();

	private BenchmarkMain(Path home, Settings settings) {
		this.home = home.toAbsolutePath().normalize();
		this.settings = settings;
		this.logs = this.home.resolve("target/bench-logs");
	}

	public static void main(String[] args) throws Exception {
		Path home = Path.of("benchmarks");
		Settings settings = Settings.FULL;
		Path out = null;
		Set<String> only = null;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> settings = Settings.QUICK;
				case "--home" -> home = Path.of(args[++i]);
				case "--out" -> out = Path.of(args[++i]);
				case "--only" -> only = new HashSet<>(Arrays.asList(args[++i].split(",")));
				default -> {
					System.err.println("usage: BenchmarkMain [--quick] [--home DIR] [--out FILE] [--only id,id]");
					System.exit(2);
				}
			}
		}
		BenchmarkMain harness = new BenchmarkMain(home, settings);
		Runtime.getRuntime().addShutdownHook(new Thread(harness::killRunning, "harness-cleanup"));
		String report = harness.runAll(only);
		System.out.println();
		System.out.println(report);
		if (out != null) {
			Path target = out.toAbsolutePath();
			Files.createDirectories(target.getParent());
			Files.writeString(target, report, StandardCharsets.UTF_8);
			System.out.println("Written to " + target);
		}
	}

	private String runAll(Set<String> only) throws IOException, InterruptedException {
		Files.createDirectories(this.logs);
		long started = System.nanoTime();
		Map<String, String> machine = Machine.describe(this.home.getParent());
		List<SystemSpec> systems = new ArrayList<>();
		Map<String, String> skipped = new LinkedHashMap<>();
		for (SystemSpec spec : SystemSpec.all()) {
			boolean quickSkips = this.settings.name().equals("quick") && only == null
					&& SystemSpec.FULL_RUN_ONLY.contains(spec.id());
			if ((only == null || only.contains(spec.id())) && !quickSkips) {
				systems.add(spec);
				String skip = skipReason(spec);
				if (skip != null) {
					skipped.put(spec.id(), skip);
				}
			}
		}
		Map<String, Map<String, Json.Result>> results = new LinkedHashMap<>();
		// Rounds interleave the systems, so a slow drift of the machine does not land on
		// one system only.
		for (int round = 1; round <= this.settings.processes(); round++) {
			for (SystemSpec spec : systems) {
				progress("round " + round + "/" + this.settings.processes(), spec.label());
				if (skipped.containsKey(spec.id())) {
					System.out.println("skipped: " + skipped.get(spec.id()));
					continue;
				}
				long start = System.nanoTime();
				Map<String, Json.Result> round1 = runSystem(spec, round);
				results.merge(spec.id(), round1, BenchmarkMain::mergeRuns);
				System.out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - start) / 1e9);
			}
		}
		for (SystemSpec spec : systems) {
			if (!spec.runs(RTT_ONE_CPU)
					|| !(this.settings.pinnedReferences() || spec.isStarter() || spec.kind() == SystemSpec.Kind.C)) {
				continue;
			}
			progress("pinned", spec.label());
			if (skipped.containsKey(spec.id())) {
				System.out.println("skipped");
				continue;
			}
			long start = System.nanoTime();
			results.get(spec.id()).put(RTT_ONE_CPU, runPinned(spec));
			System.out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - start) / 1e9);
		}
		Map<String, Json.Result> idleResults = new LinkedHashMap<>();
		if (only == null || only.contains("starter-idle")) {
			progress("idle", this.settings.idleCount() + " sidecars x " + this.settings.idleRuns() + " JVMs");
			long start = System.nanoTime();
			for (String transport : List.of("stream", "seqpacket")) {
				idleResults.put(transport, runIdle(transport));
			}
			System.out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - start) / 1e9);
		}
		double minutes = (System.nanoTime() - started) / 60e9;
		return new Report(machine, this.settings, systems, results, skipped, idleResults, minutes).render();
	}

	private static void progress(String phase, String label) {
		System.out.printf(Locale.ROOT, "[%-9s] %-50s ", phase, label);
		System.out.flush();
	}

	/** The runs of every process go together; one failed process fails the figure. */
	private static Map<String, Json.Result> mergeRuns(Map<String, Json.Result> earlier,
			Map<String, Json.Result> later) {
		Map<String, Json.Result> merged = new LinkedHashMap<>(earlier);
		later.forEach((workload, result) -> merged.merge(workload, result, (a, b) -> {
			if (a.error() != null || a.skipped() != null) {
				return a;
			}
			if (b.error() != null || b.skipped() != null) {
				return b;
			}
			Map<String, double[]> metrics = new LinkedHashMap<>(a.metrics());
			b.metrics().forEach((key, values) -> metrics.merge(key, values, BenchmarkMain::concat));
			return new Json.Result(workload, metrics, null, null);
		}));
		return merged;
	}

	/**
	 * @return why a system cannot run on this machine, or {@code null}
	 */
	private String skipReason(SystemSpec spec) {
		boolean compiled = Files.isExecutable(nativeProgram("cbench"));
		boolean python = which("python3") != null;
		return switch (spec.kind()) {
			case C -> compiled ? null : "no C compiler (cc) was found, so the C baseline was not built";
			case NODE -> (which("node") != null) ? null : "node is not installed";
			case JVM -> {
				if (spec.isRpc()) {
					yield (which("node") != null) ? null : "node is not installed (the JSON-RPC echo child is Node)";
				}
				boolean needsHelper = spec.seqpacket() || spec.id().equals(SystemSpec.SPRING_INTEGRATION);
				yield (needsHelper && !compiled && !python) ? "neither cc nor python3 is available for its echo child"
						: null;
			}
			case PYTHON -> python ? null : "python3 is not installed";
		};
	}

	/**
	 * One fresh runner process for a system: warm-ups, then its share of the measured
	 * runs.
	 */
	private Map<String, Json.Result> runSystem(SystemSpec spec, int round) throws IOException, InterruptedException {
		RunnerOptions options = this.settings.runnerOptions();
		options.workloads = options.workloads.stream().filter((workload) -> spec.runs(workload.id)).toList();
		if (spec.isRpc() && !this.settings.name().equals("quick")) {
			// JSON-RPC clients (Jackson, Gson, Reactor) take seconds of JIT to settle:
			// measured, a starter
			// runner went from 1 k to 67 k calls/s over its first ten 1 s runs. Same
			// warm-up for all of them;
			// quick mode keeps its one warm-up run, its numbers are not for quoting
			// anyway.
			options.warmups *= RPC_WARMUP_FACTOR;
		}
		String log = spec.id() + "-" + round;
		Map<String, Json.Result> byWorkload = new LinkedHashMap<>();
		for (Json.Result result : runRunner(command(spec, options), log)) {
			byWorkload.put(result.workload(), result);
		}
		for (Workload workload : options.workloads) {
			byWorkload.computeIfAbsent(workload.id, (id) -> new Json.Result(id, Map.of(),
					"the runner ended without reporting it; see " + logFile(log), null));
		}
		return byWorkload;
	}

	/**
	 * The round trip again, with the runner and all its children pinned to CPU 0.
	 * Unpinned, a ping-pong between two processes is bimodal on this kind of machine:
	 * about 8 µs when the scheduler keeps both on one core, about 45 µs when every
	 * wake-up crosses to the other vCPU, and runs flip between the two. Pinned, only the
	 * software path is left to compare.
	 */
	private Json.Result runPinned(SystemSpec spec) throws IOException, InterruptedException {
		String taskset = which("taskset");
		if (taskset == null) {
			return new Json.Result(RTT_ONE_CPU, Map.of(), null, "taskset is not installed");
		}
		RunnerOptions options = this.settings.runnerOptions();
		options.workloads = List.of(Workload.RTT);
		options.runs = this.settings.pinnedRuns();
		List<String> pinned = new ArrayList<>(List.of(taskset, "-c", "0"));
		pinned.addAll(command(spec, options));
		String log = spec.id() + "-pinned";
		for (Json.Result result : runRunner(pinned, log)) {
			if (result.workload().equals(Workload.RTT.id)) {
				return new Json.Result(RTT_ONE_CPU, result.metrics(), result.error(), result.skipped());
			}
		}
		return new Json.Result(RTT_ONE_CPU, Map.of(), "the pinned runner ended without reporting; see " + logFile(log),
				null);
	}

	private List<String> command(SystemSpec spec, RunnerOptions options) {
		List<String> command = new ArrayList<>();
		switch (spec.kind()) {
			case JVM -> {
				command.addAll(javaCommand());
				command.add(spec.id());
				command.addAll(options.commonArgs());
				command.addAll(List.of("--home", this.home.toString()));
			}
			case C -> {
				command.add(nativeProgram("cbench").toString());
				if (spec.id().equals(SystemSpec.C_STREAM_BATCHED)) {
					command.add("--batched");
				}
				command.addAll(List.of("--transport", spec.seqpacket() ? "seqpacket" : "stream", "--child",
						spec.seqpacket() ? nativeProgram("seqecho").toString() : which("cat")));
				command.addAll(options.commonArgs());
			}
			case NODE -> {
				command.addAll(List.of("node", this.home.resolve("src/main/node/ipc-bench.js").toString()));
				command.addAll(options.commonArgs());
			}
			case PYTHON -> {
				command.addAll(List.of("python3", this.home.resolve("src/main/python/mp_bench.py").toString()));
				command.addAll(options.commonArgs());
			}
		}
		return command;
	}

	/**
	 * Idle runs go in parallel, one fresh JVM each: every JVM measures only its own heap,
	 * threads and descriptors, so they do not disturb each other, and a fresh JVM has no
	 * idle threads or buffers left from earlier sidecars to hide the cost.
	 */
	private Json.Result runIdle(String transport) throws IOException, InterruptedException {
		String id = "starter-idle-" + transport;
		if (transport.equals("seqpacket") && !Files.isExecutable(nativeProgram("seqecho"))
				&& which("python3") == null) {
			return new Json.Result("idle-" + transport, Map.of(), null, "no seqpacket echo child available");
		}
		List<String> command = new ArrayList<>(javaCommand());
		command.addAll(List.of("starter-idle", "--count", Integer.toString(this.settings.idleCount()), "--transport",
				transport, "--home", this.home.toString()));
		Files.deleteIfExists(logFile(id));
		List<Process> processes = new ArrayList<>();
		Map<String, double[]> merged = new LinkedHashMap<>();
		String error = null;
		try {
			for (int run = 0; run < this.settings.idleRuns(); run++) {
				Process process = new ProcessBuilder(command).redirectError(Redirect.appendTo(logFile(id).toFile()))
					.start();
				this.running.add(process);
				processes.add(process);
			}
			for (Process process : processes) {
				process.getOutputStream().close();
				for (Json.Result result : collect(process, id)) {
					if (result.error() != null) {
						error = result.error();
					}
					result.metrics().forEach((key, values) -> merged.merge(key, values, BenchmarkMain::concat));
				}
			}
		}
		finally {
			processes.forEach(this::killTree);
		}
		if (merged.isEmpty() && error == null) {
			error = "no idle measurement was reported; see " + logFile(id);
		}
		return new Json.Result("idle-" + transport, merged, error, null);
	}

	private static double[] concat(double[] a, double[] b) {
		double[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private List<Json.Result> runRunner(List<String> command, String id) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectError(Redirect.to(logFile(id).toFile())).start();
		this.running.add(process);
		try {
			process.getOutputStream().close();
			return collect(process, id);
		}
		finally {
			killTree(process);
		}
	}

	/** Reads a runner's result lines until it exits or runs out of time. */
	private List<Json.Result> collect(Process process, String id) throws InterruptedException {
		List<Json.Result> results = new ArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					Json.Result result = Json.parse(line);
					if (result != null) {
						synchronized (results) {
							results.add(result);
						}
					}
				}
			}
			catch (IOException ex) {
				// The runner was killed: whatever it reported so far is kept.
			}
		}, "runner-output-" + id);
		reader.start();
		if (!process.waitFor(this.settings.runnerTimeoutSeconds(), TimeUnit.SECONDS)) {
			killTree(process);
			System.out.print("(timed out after " + this.settings.runnerTimeoutSeconds() + " s) ");
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		synchronized (results) {
			return new ArrayList<>(results);
		}
	}

	/** A runner's children (sidecars, echo servers, forked interpreters) go with it. */
	private void killTree(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.running.remove(process);
	}

	private void killRunning() {
		for (Process process : List.copyOf(this.running)) {
			killTree(process);
		}
	}

	private List<String> javaCommand() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// junixsocket loads a native library; JDK 24+ warns unless native access is
		// granted.
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		// The same fixed heap for every JVM system: 4 x 1 MiB in flight needs room, and
		// no system
		// should win or lose by heap sizing.
		command
			.addAll(List.of("-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"), Runner.class.getName()));
		return command;
	}

	private Path nativeProgram(String name) {
		return this.home.resolve("target/native").resolve(name);
	}

	private Path logFile(String id) {
		return this.logs.resolve(id + ".log");
	}

	/**
	 * @return the absolute path of a program on the PATH, or {@code null}
	 */
	static String which(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String entry : path.split(File.pathSeparator)) {
			Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate.toAbsolutePath().toString();
			}
		}
		return null;
	}

}
