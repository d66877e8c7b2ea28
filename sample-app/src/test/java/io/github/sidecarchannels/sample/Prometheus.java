package io.github.sidecarchannels.sample;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads samples out of the Prometheus text format, enough for the tests' assertions.
 */
final class Prometheus {

	/** {@code name{labels} value}; labels are optional. */
	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$",
			Pattern.MULTILINE);

	private Prometheus() {
	}

	/**
	 * @param scrape the text of {@code /actuator/prometheus}
	 * @param name the series name, e.g. {@code sidecar_messages_sent_total}
	 * @param label a label that must be present, e.g. {@code sidecar="diff"}
	 * @return the value of the one series of that name carrying that label
	 * @throws AssertionError when there is not exactly one such series
	 */
	static double value(String scrape, String name, String label) {
		Map<String, Double> found = new LinkedHashMap<>();
		Matcher matcher = SAMPLE.matcher(scrape);
		while (matcher.find()) {
			String labels = (matcher.group(2) != null) ? matcher.group(2) : "{}";
			if (matcher.group(1).equals(name) && labels.contains(label)) {
				found.put(matcher.group(0), Double.parseDouble(matcher.group(3)));
			}
		}
		if (found.size() != 1) {
			throw new AssertionError("Expected one series " + name + " with " + label + ", found " + found.keySet());
		}
		return found.values().iterator().next();
	}

	/**
	 * @param scrape the text of {@code /actuator/prometheus}
	 * @param prefix a name prefix, e.g. {@code sidecar_}
	 * @return the names of the series starting with it (without labels), in order of
	 * appearance
	 */
	static Set<String> names(String scrape, String prefix) {
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = SAMPLE.matcher(scrape);
		while (matcher.find()) {
			if (matcher.group(1).startsWith(prefix)) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}

}
