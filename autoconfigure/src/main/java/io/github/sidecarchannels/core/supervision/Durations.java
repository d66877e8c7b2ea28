package io.github.sidecarchannels.core.supervision;

import java.time.Duration;

/**
 * Durations as people write them in configuration, for messages that name a setting.
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * @param duration a duration
	 * @return it as {@code 100ms}, {@code 30s} or {@code 2m}
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0 && millis > 0) {
			return (millis / 60_000) + "m";
		}
		return (millis % 1000 == 0 && millis > 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
