package io.github.sidecarchannels.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

	private PoolBenchmark() {
	}

	/**
	 * @param args the benchmarks directory
	 * @throws Exception if a run fails
	 */
	public static void main(String[] args) throws Exception {
		Path home = Path.of(args[0]).toAbsolutePath();
		System.out.printf("%d calls of %d chained SHA-256 rounds each (GIL held), %d in flight, %d cores%n%n", CALLS,
				ROUNDS, WINDOW, Runtime.getRuntime().availableProcessors());
		System.out.println("| system | calls/s |");
		System.out.println("|---|---|");
		double one = sidecar(home, 1);
		System.out.printf("| sidecar, instances: 1 | %.1f |%n", one);
		double two = sidecar(home, 2);
		System.out.printf("| sidecar, instances: 2 | %.1f (%.2fx) |%n", two, two / one);
		String mpOne = multiprocessing(home, 1);
		System.out.printf("| multiprocessing.Pool(1) | %s |%n", mpOne);
		String mpTwo = multiprocessing(home, 2);
		System.out.printf("| multiprocessing.Pool(2) | %s%s |%n", mpTwo, ratio(mpTwo, mpOne));
		System.out.printf("%nsidecar instances: 2 / multiprocessing.Pool(2): %s%n",
				ratio(Double.toString(two), mpTwo).trim());
	}

	/** {@code " (1.90x)"}, or nothing when a run failed. */
	private static String ratio(String value, String base) {
		try {
			return String.format(" (%.2fx)", Double.parseDouble(value) / Double.parseDouble(base));
		}
		catch (NumberFormatException ex) {
			return "";
		}
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

	private static String multiprocessing(Path home, int processes) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("python3", home.resolve("src/main/python/mp_pool_bench.py").toString(),
				Integer.toString(processes), Integer.toString(CALLS), Integer.toString(ROUNDS))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		return (process.waitFor() == 0) ? out : "failed (exit " + process.exitValue() + ")";
	}

}
