package io.github.sidecarchannels.benchmarks;

/**
 * How long and how often everything runs. The full run takes about seven minutes on 2
 * cores; the quick run is a smoke test for CI that finishes within a minute and is not
 * meant to be quoted.
 * <p>
 * A figure's runs come from several fresh processes: on this machine the same JVM system
 * can settle at 240 k or at 370 k msg/s depending on the process (JIT decisions, thread
 * placement), while runs within one process agree. Runs from one process alone would hide
 * that spread.
 *
 * @param name "full" or "quick"
 * @param processes fresh runner processes per system, in interleaved rounds
 * @param warmups discarded runs at the start of every process, per workload
 * @param runs measured runs per process and workload
 * @param runMillis length of one throughput, bulk or round-trip run
 * @param spawnWarmups discarded spawns per process
 * @param spawnRuns measured spawns per process
 * @param pinnedRuns measured round-trip runs of the one pinned process per system
 * @param pinnedReferences whether the reference systems (raw junixsocket, pipes, Spring
 * Integration, Node, Python) get the pinned round trip too, or only C and the starter,
 * which its goal compares
 * @param idleCount sidecars started for the idle measurement
 * @param idleRuns idle measurements, each in a fresh JVM
 * @param runnerTimeoutSeconds the most one runner process may take before it is killed
 */
record Settings(String name, int processes, int warmups, int runs, long runMillis, int spawnWarmups, int spawnRuns,
		int pinnedRuns, boolean pinnedReferences, int idleCount, int idleRuns, long runnerTimeoutSeconds) {

	/**
	 * Three 400 ms warm-up runs per process: the starter's channels needed about 1.2 s of
	 * JIT warm-up here before their rate settled. Five warm-up spawns per process, so
	 * spawn times are not those of interpreted code.
	 */
	static final Settings FULL = new Settings("full", 3, 3, 2, 400, 5, 4, 5, true, 100, 5, 300);

	/**
	 * Under a minute with the build: 3 runs, 2 idle JVMs, the pinned round trip of C and
	 * the starter only, and not the JVM references of {@link SystemSpec#FULL_RUN_ONLY} (5
	 * runs, 5 JVMs and every system took 1.5 minutes).
	 */
	static final Settings QUICK = new Settings("quick", 1, 1, 3, 40, 1, 5, 3, false, 20, 2, 60);

	int totalRuns() {
		return this.processes * this.runs;
	}

	int totalSpawns() {
		return this.processes * this.spawnRuns;
	}

	RunnerOptions runnerOptions() {
		RunnerOptions options = new RunnerOptions();
		options.warmups = this.warmups;
		options.runs = this.runs;
		options.runMillis = this.runMillis;
		options.spawnWarmups = this.spawnWarmups;
		options.spawnRuns = this.spawnRuns;
		return options;
	}

}
