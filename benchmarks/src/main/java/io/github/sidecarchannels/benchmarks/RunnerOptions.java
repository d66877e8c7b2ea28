package io.github.sidecarchannels.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options every runner understands, in the same spelling for the Java, C, Node and
 * Python runners:
 * {@code --workloads tput64,rtt --warmups 2 --runs 5 --run-ms 500 --spawn-warmups 3 --spawn-runs 10}.
 * Java runners also take {@code --home DIR} (the benchmarks module: compiled C children
 * in {@code target/native}, Python fallbacks in {@code src/main/python}) and, for the
 * idle test, {@code --count N} and {@code --transport stream|seqpacket}.
 */
final class RunnerOptions {

	List<Workload> workloads = List.of(Workload.values());

	int warmups = 2;

	int runs = 5;

	long runMillis = 500;

	int spawnWarmups = 3;

	int spawnRuns = 10;

	Path home = Path.of("benchmarks");

	int count = 100;

	String transport = "stream";

	static RunnerOptions parse(String[] args, int from) {
		RunnerOptions options = new RunnerOptions();
		for (int i = from; i < args.length; i += 2) {
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("option " + args[i] + " needs a value");
			}
			String value = args[i + 1];
			switch (args[i]) {
				case "--workloads" -> {
					List<Workload> selected = new ArrayList<>();
					for (String id : value.split(",")) {
						selected.add(Workload.byId(id.trim()));
					}
					options.workloads = selected;
				}
				case "--warmups" -> options.warmups = Integer.parseInt(value);
				case "--runs" -> options.runs = Integer.parseInt(value);
				case "--run-ms" -> options.runMillis = Long.parseLong(value);
				case "--spawn-warmups" -> options.spawnWarmups = Integer.parseInt(value);
				case "--spawn-runs" -> options.spawnRuns = Integer.parseInt(value);
				case "--home" -> options.home = Path.of(value);
				case "--count" -> options.count = Integer.parseInt(value);
				case "--transport" -> options.transport = value;
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		return options;
	}

	/**
	 * @return the options shared by all runners, as command-line arguments
	 */
	List<String> commonArgs() {
		List<String> ids = new ArrayList<>();
		for (Workload workload : this.workloads) {
			ids.add(workload.id);
		}
		return List.of("--workloads", String.join(",", ids), "--warmups", Integer.toString(this.warmups), "--runs",
				Integer.toString(this.runs), "--run-ms", Long.toString(this.runMillis), "--spawn-warmups",
				Integer.toString(this.spawnWarmups), "--spawn-runs", Integer.toString(this.spawnRuns));
	}

	/**
	 * @param name a helper child: {@code seqecho} or {@code tcpecho}
	 * @return the command that runs it: the compiled C program, or its Python version
	 * when there was no C compiler to build it
	 */
	List<String> helperChild(String name) {
		Path program = this.home.resolve("target/native").resolve(name).toAbsolutePath();
		if (Files.isExecutable(program)) {
			return List.of(program.toString());
		}
		return List.of("python3",
				this.home.resolve("src/main/python").resolve(name + ".py").toAbsolutePath().toString());
	}

}
