package io.github.sidecarchannels.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the workloads against one JVM system: warm-up runs first (JIT, class loading,
 * buffer growth), then the measured runs, each on the same link; spawn opens a fresh link
 * per run. Prints one JSON line per workload, in the format shared with the C, Node and
 * Python runners.
 */
// close() waits for the child and the link's threads to end, so it may be interrupted:
// "try" lint
// warns about exactly that, and it is intended.
@SuppressWarnings("try")
final class Driver {

	private final Link.Factory factory;

	private final RunnerOptions options;

	Driver(Link.Factory factory, RunnerOptions options) {
		this.factory = factory;
		this.options = options;
	}

	void runAll() {
		for (Workload workload : this.options.workloads) {
			try {
				System.out.println(Json.line(workload.id, run(workload)));
			}
			catch (Exception | Error ex) {
				System.err.println("workload " + workload.id + " failed:");
				ex.printStackTrace();
				System.out.println(Json.error(workload.id, ex.toString()));
			}
			System.out.flush();
		}
	}

	private Map<String, double[]> run(Workload workload) throws Exception {
		return switch (workload) {
			case TPUT64, TPUT4K -> Map.of("rate", pipelined(workload, false));
			case BULK -> Map.of("mbps", pipelined(workload, true));
			case RTT -> pingPong(workload);
			case SPAWN -> Map.of("ms", spawn(workload));
		};
	}

	private double[] pipelined(Workload workload, boolean megabytes) throws Exception {
		double[] values = new double[this.options.runs];
		try (Link link = this.factory.open(workload.window)) {
			Object payload = link.payload(workload.size);
			for (int run = 0; run < this.options.warmups + this.options.runs; run++) {
				double rate = pipelinedRun(link, payload, workload);
				if (run >= this.options.warmups) {
					values[run - this.options.warmups] = megabytes ? rate * workload.size / 1e6 : rate;
				}
			}
		}
		return values;
	}

	/**
	 * Sends for one run length while keeping the window full, then waits for every reply:
	 * the rate counts only echoed messages, over the time until the last one came back.
	 */
	private double pipelinedRun(Link link, Object payload, Workload workload) throws Exception {
		link.sink.reset(workload.window, workload.size);
		long start = System.nanoTime();
		long deadline = start + this.options.runMillis * 1_000_000L;
		long sent = 0;
		while (System.nanoTime() < deadline) {
			link.sink.acquire();
			link.send(payload);
			sent++;
		}
		link.sink.acquire(workload.window);
		long end = System.nanoTime();
		link.sink.release(workload.window);
		return sent * 1e9 / (end - start);
	}

	private Map<String, double[]> pingPong(Workload workload) throws Exception {
		int runs = this.options.runs;
		double[] p50 = new double[runs];
		double[] p99 = new double[runs];
		double[] p999 = new double[runs];
		// Bounded by the fastest round trip we have ever seen here (about 5 us).
		long[] samples = new long[(int) Math.min(Integer.MAX_VALUE - 8, this.options.runMillis * 200 + 16)];
		try (Link link = this.factory.open(1)) {
			Object payload = link.payload(workload.size);
			link.sink.reset(1, workload.size);
			for (int run = 0; run < this.options.warmups + runs; run++) {
				int count = 0;
				long deadline = System.nanoTime() + this.options.runMillis * 1_000_000L;
				long start;
				while ((start = System.nanoTime()) < deadline && count < samples.length) {
					link.roundTrip(payload);
					samples[count++] = System.nanoTime() - start;
				}
				if (run >= this.options.warmups) {
					Arrays.sort(samples, 0, count);
					int index = run - this.options.warmups;
					p50[index] = percentile(samples, count, 0.50);
					p99[index] = percentile(samples, count, 0.99);
					p999[index] = percentile(samples, count, 0.999);
				}
			}
			link.sink.check();
		}
		Map<String, double[]> result = new LinkedHashMap<>();
		result.put("p50", p50);
		result.put("p99", p99);
		result.put("p999", p999);
		return result;
	}

	/** Nearest-rank percentile, in microseconds; the same rule as the C runner. */
	static double percentile(long[] sorted, int count, double p) {
		int index = (int) Math.round(p * (count - 1));
		return sorted[index] / 1000.0;
	}

	private double[] spawn(Workload workload) throws Exception {
		double[] values = new double[this.options.spawnRuns];
		for (int run = 0; run < this.options.spawnWarmups + this.options.spawnRuns; run++) {
			long start = System.nanoTime();
			long end;
			try (Link link = this.factory.open(1)) {
				Object payload = link.payload(workload.size);
				link.sink.reset(1, workload.size);
				link.roundTrip(payload);
				end = System.nanoTime();
				link.sink.check();
			}
			if (run >= this.options.spawnWarmups) {
				values[run - this.options.spawnWarmups] = (end - start) / 1e6;
			}
		}
		return values;
	}

}
