package io.github.sidecarchannels.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcs;

/**
 * The worker-pool benchmark ({@code benchmarks/run.sh --pool}): a CPU-bound Python
 * json-rpc child (a fixed amount of hashing per call) behind a sidecar of 1 and of 2
 * instances, against Python's own {@code multiprocessing.Pool} doing the same work.
 * Throughput only; reported, never asserted.
 */
public final class PoolBenchmark {

	private static final int CALLS = 400;

	/** Calls in flight: enough to keep every instance busy. */
	private static final int WINDOW = 8;

	/**
	 * Chained SHA-256 rounds per call, about 20 ms: small inputs keep the GIL held, so
	 * one interpreter is one core (PBKDF2, used before, releases the GIL and let one
	 * instance use every core through its handler threads).
	 */
	private static final int ROUNDS = 40_000;

	/** Every system runs this many times, interleaved; the table shows the median. */
	private static final int REPEATS = 3;

	private PoolBenchmark() {
	}

	/**
	 * @param args the benchmarks directory
	 * @throws Exception if a run fails
	 */
	public static void main(String[] args) throws Exception {
		Path home = Path.of(args[0]).toAbsolutePath();
		System.out.printf(
				"%d calls of %d chained SHA-256 rounds each (GIL held), %d in flight, %d cores; median of "
						+ "%d interleaved repeats (min-max)%n%n",
				CALLS, ROUNDS, WINDOW, Runtime.getRuntime().availableProcessors(), REPEATS);
		double[][] rates = new double[4][REPEATS];
		// Interleaved, so a drift of the machine does not land on one system only.
		for (int repeat = 0; repeat < REPEATS; repeat++) {
			rates[0][repeat] = sidecar(home, 1);
			rates[1][repeat] = sidecar(home, 2);
			rates[2][repeat] = multiprocessing(home, 1);
			rates[3][repeat] = multiprocessing(home, 2);
			System.err.printf("repeat %d of %d done%n", repeat + 1, REPEATS);
		}
		double sidecarOne = median(rates[0]);
		double poolOne = median(rates[2]);
		System.out.println("| system | calls/s | min-max | x one process |");
		System.out.println("|---|--:|--:|--:|");
		row("sidecar, instances: 1", rates[0], sidecarOne);
		row("sidecar, instances: 2", rates[1], sidecarOne);
		row("multiprocessing.Pool(1)", rates[2], poolOne);
		row("multiprocessing.Pool(2)", rates[3], poolOne);
		System.out.printf("%nsidecar instances: 2 / multiprocessing.Pool(2): %.2fx%n",
				median(rates[1]) / median(rates[3]));
	}

	private static void row(String system, double[] rates, double baseMedian) {
		double[] sorted = rates.clone();
		Arrays.sort(sorted);
		System.out.printf("| %s | %.1f | %.1f-%.1f | %.2fx |%n", system, median(rates), sorted[0],
				sorted[sorted.length - 1], median(rates) / baseMedian);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static double sidecar(Path home, int instances) throws Exception {
		SidecarDefinition definition = SidecarDefinition.builder("cpu")
			.command(List.of("python3", home.resolve("src/main/python/cpu_rpc.py").toString()))
			.protocol(Protocol.JSON_RPC)
			.instances(instances)
			.clientsDirectory(home.getParent().resolve("clients"))
			.environment(Map.of("HASH_ROUNDS", Integer.toString(ROUNDS)))
			.build();
		Sidecar sidecar = Sidecars.create(definition);
		SidecarRpc rpc = SidecarRpcs.attach(sidecar, SidecarRpcs.defaultMapper());
		sidecar.start();
		try {
			calls(rpc, instances * 4);
			long start = System.nanoTime();
			calls(rpc, CALLS);
			return CALLS / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			SidecarRpcs.close(rpc);
			sidecar.stop();
		}
	}

	private static void calls(SidecarRpc rpc, int count) throws Exception {
		Semaphore window = new Semaphore(WINDOW);
		List<CompletableFuture<String>> results = new ArrayList<>();
		for (int n = 0; n < count; n++) {
			window.acquire();
			CompletableFuture<String> result = rpc.callAsync("work", Map.of("n", n), String.class,
					Duration.ofMinutes(1));
			result.whenComplete((value, failure) -> window.release());
			results.add(result);
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
	}

	/**
	 * @return calls per second, as the Python script prints them
	 * @throws IOException if the script fails: a failed system fails the benchmark
	 */
	private static double multiprocessing(Path home, int processes) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("python3", home.resolve("src/main/python/mp_pool_bench.py").toString(),
				Integer.toString(processes), Integer.toString(CALLS), Integer.toString(ROUNDS))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (process.waitFor() != 0) {
			throw new IOException("multiprocessing.Pool(" + processes + ") failed (exit " + process.exitValue() + ")");
		}
		return Double.parseDouble(out);
	}

}
