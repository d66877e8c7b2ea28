package io.github.sidecarchannels.benchmarks;

import java.util.Arrays;

/**
 * Median, minimum and maximum of one figure's measured runs.
 *
 * @param median the median run (mean of the middle two for an even count)
 * @param min the lowest run
 * @param max the highest run
 * @param runs how many runs
 */
record Stats(double median, double min, double max, int runs) {

	static Stats of(double[] values) {
		if (values == null || values.length == 0) {
			return null;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new Stats(median, sorted[0], sorted[n - 1], n);
	}

}
