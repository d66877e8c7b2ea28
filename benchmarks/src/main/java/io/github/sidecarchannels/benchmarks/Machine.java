package io.github.sidecarchannels.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the numbers were measured on, for the results header: figures from another machine
 * are not comparable.
 */
final class Machine {

	private Machine() {
	}

	/**
	 * @param root the repository the starter was built from
	 * @return labelled facts, in display order
	 */
	static Map<String, String> describe(Path root) {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("date",
				ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
		facts.put("cores", Runtime.getRuntime().availableProcessors() + " (as the JVM sees them)");
		facts.put("CPU", cpuModel());
		facts.put("memory", memory());
		facts.put("kernel", firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")));
		facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.vm.vendor") + ")");
		facts.put("node", commandVersion(List.of("node", "--version")));
		facts.put("python3", commandVersion(List.of("python3", "--version")));
		facts.put("cc", commandVersion(List.of("cc", "--version")));
		facts.put("net.core.wmem_max", firstLine(Path.of("/proc/sys/net/core/wmem_max"), "unknown"));
		facts.put("starter source", starterSource(root));
		return facts;
	}

	/**
	 * Which starter was measured: the commit, and whether its sources had uncommitted
	 * changes.
	 */
	private static String starterSource(Path root) {
		String commit = commandVersion(List.of("git", "-C", root.toString(), "rev-parse", "--short=12", "HEAD"));
		if (commit.equals("not found")) {
			return "unknown (not a git work tree)";
		}
		String changes = commandVersion(
				List.of("git", "-C", root.toString(), "status", "--porcelain", "--", "autoconfigure", "starter"));
		return "commit " + commit
				+ (changes.equals("not found") ? "" : " plus uncommitted changes in autoconfigure/starter");
	}

	private static String cpuModel() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// Not Linux, or no procfs: say so below.
		}
		return System.getProperty("os.arch") + " (model unknown)";
	}

	private static String memory() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
				if (line.startsWith("MemTotal:")) {
					long kib = Long.parseLong(line.replaceAll("\\D", ""));
					return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not Linux, or no procfs.
		}
		return "unknown";
	}

	private static String firstLine(Path file, String fallback) {
		try {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			return lines.isEmpty() ? fallback : lines.get(0).trim();
		}
		catch (IOException ex) {
			return fallback;
		}
	}

	/**
	 * @return the first line the command prints, or "not found"
	 */
	static String commandVersion(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
				return "not found";
			}
			String first = output.lines().findFirst().orElse("").trim();
			return (process.exitValue() == 0 && !first.isEmpty()) ? first : "not found";
		}
		catch (IOException ex) {
			return "not found";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "not found";
		}
	}

}
