package dev.sextant.promql.value;

import dev.sextant.tsdb.model.Labels;

/**
 * One series of a matrix: parallel primitive arrays of timestamps (ms, ascending) and values; only
 * the first {@code count} entries are valid.
 */
public record SeriesPoints(Labels metric, long[] timestamps, double[] values, int count) {}
