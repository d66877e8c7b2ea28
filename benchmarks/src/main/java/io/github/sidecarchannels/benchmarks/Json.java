package io.github.sidecarchannels.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line JSON every runner prints per workload, and the reading of it. The shape is
 * fixed and flat, so a few patterns read it; no JSON library is needed on the harness's
 * classpath: <pre>
 * {"workload":"tput64","rate":[1.0,2.0]}
 * {"workload":"rtt","p50":[..],"p99":[..],"p999":[..]}
 * {"workload":"bulk","error":"what went wrong"}
 * {"workload":"spawn","skipped":"why"}
 * </pre>
 */
final class Json {

	private static final Pattern WORKLOAD = Pattern.compile("\"workload\"\\s*:\\s*\"([^\"]*)\"");

	private static final Pattern ARRAY = Pattern.compile("\"(\\w+)\"\\s*:\\s*\\[([^\\]]*)\\]");

	private static final Pattern TEXT = Pattern.compile("\"(error|skipped)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

	private Json() {
	}

	static String line(String workload, Map<String, double[]> metrics) {
		StringBuilder line = new StringBuilder("{\"workload\":\"").append(workload).append('"');
		metrics.forEach((key, values) -> {
			line.append(",\"").append(key).append("\":[");
			for (int i = 0; i < values.length; i++) {
				line.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", values[i]));
			}
			line.append(']');
		});
		return line.append('}').toString();
	}

	static String error(String workload, String message) {
		return "{\"workload\":\"" + workload + "\",\"error\":\"" + escape(message) + "\"}";
	}

	static String skipped(String workload, String reason) {
		return "{\"workload\":\"" + workload + "\",\"skipped\":\"" + escape(reason) + "\"}";
	}

	private static String escape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ").replace("\r", " ");
	}

	/**
	 * @param line one line of a runner's output
	 * @return the result it carries, or {@code null} if it is not a result line
	 */
	static Result parse(String line) {
		String trimmed = line.trim();
		if (!trimmed.startsWith("{")) {
			return null;
		}
		Matcher workload = WORKLOAD.matcher(trimmed);
		if (!workload.find()) {
			return null;
		}
		Map<String, double[]> metrics = new LinkedHashMap<>();
		Matcher array = ARRAY.matcher(trimmed);
		while (array.find()) {
			String body = array.group(2).trim();
			String[] parts = body.isEmpty() ? new String[0] : body.split(",");
			double[] values = new double[parts.length];
			for (int i = 0; i < parts.length; i++) {
				values[i] = Double.parseDouble(parts[i].trim());
			}
			metrics.put(array.group(1), values);
		}
		String error = null;
		String skipped = null;
		Matcher text = TEXT.matcher(trimmed);
		while (text.find()) {
			String value = text.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
			if (text.group(1).equals("error")) {
				error = value;
			}
			else {
				skipped = value;
			}
		}
		return new Result(workload.group(1), metrics, error, skipped);
	}

	/**
	 * One workload's numbers from one runner.
	 *
	 * @param workload the workload id
	 * @param metrics named series, one value per measured run
	 * @param error why it failed, or {@code null}
	 * @param skipped why it did not run, or {@code null}
	 */
	record Result(String workload, Map<String, double[]> metrics, String error, String skipped) {
	}

}
