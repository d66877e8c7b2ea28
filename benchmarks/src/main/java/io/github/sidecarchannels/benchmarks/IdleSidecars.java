package io.github.sidecarchannels.benchmarks;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.Sidecars;
import io.github.sidecarchannels.core.Transport;

/**
 * What an idle running sidecar costs the application: start {@code --count} sidecars
 * (default settings, child {@code cat}, or the record echo for seqpacket), leave them
 * idle, and divide the growth in heap (after GC), direct buffers, live threads and open
 * file descriptors by their number.
 * <p>
 * One measurement per JVM, started fresh by the harness for every run: process reaper
 * threads and buffers of stopped sidecars linger in a JVM and would hide the cost of the
 * next round. One warm-up sidecar runs through the whole measurement, so class loading
 * and one-time setup are in the baseline.
 */
final class IdleSidecars {

	private IdleSidecars() {
	}

	static void run(RunnerOptions options) throws Exception {
		Transport transport = options.transport.equals("seqpacket") ? Transport.SEQPACKET : Transport.STREAM;
		List<String> child = (transport == Transport.SEQPACKET) ? options.helperChild("seqecho") : List.of("cat");
		List<Sidecar> sidecars = new ArrayList<>();
		try {
			Sidecar warmup = start("warmup", transport, child);
			sidecars.add(warmup);
			Thread.sleep(200);
			Snapshot before = Snapshot.take();
			for (int i = 0; i < options.count; i++) {
				sidecars.add(start("idle-" + i, transport, child));
			}
			// Every sidecar thread is started inside start(); this lets them all reach
			// their blocking reads.
			Thread.sleep(500);
			Snapshot after = Snapshot.take();
			double n = options.count;
			Map<String, double[]> metrics = new LinkedHashMap<>();
			metrics.put("heapBytes", new double[] { (after.heap - before.heap) / n });
			metrics.put("directBytes", new double[] { (after.direct - before.direct) / n });
			metrics.put("threads", new double[] { (after.threads - before.threads) / n });
			metrics.put("activeThreads", new double[] { (after.activeThreads - before.activeThreads) / n });
			metrics.put("fds", new double[] { (after.fds - before.fds) / n });
			System.out.println(Json.line("idle-" + options.transport, metrics));
		}
		finally {
			for (Sidecar sidecar : sidecars) {
				sidecar.stop();
			}
		}
	}

	private static Sidecar start(String name, Transport transport, List<String> child) {
		Sidecar sidecar = Sidecars.create(SidecarDefinition.builder(name).command(child).transport(transport).build());
		sidecar.start();
		return sidecar;
	}

	/**
	 * Process-wide resource counts.
	 *
	 * @param heap heap bytes in use after full collections
	 * @param direct bytes in direct byte buffers
	 * @param threads live threads of every group (ThreadMXBean)
	 * @param activeThreads {@link Thread#activeCount()}: threads in the caller's group
	 * and its subgroups
	 * @param fds open file descriptors of this process
	 */
	record Snapshot(long heap, long direct, int threads, int activeThreads, long fds) {

		static Snapshot take() throws IOException, InterruptedException {
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			// Several collections, so objects freed by finalization/cleaners in the first
			// are gone too.
			for (int i = 0; i < 3; i++) {
				System.gc();
				Thread.sleep(100);
			}
			long heap = memory.getHeapMemoryUsage().getUsed();
			long direct = 0;
			for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
				if (pool.getName().equals("direct")) {
					direct = pool.getMemoryUsed();
				}
			}
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			long fds;
			try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
				fds = entries.count();
			}
			return new Snapshot(heap, direct, threads.getThreadCount(), Thread.activeCount(), fds);
		}

	}

}
