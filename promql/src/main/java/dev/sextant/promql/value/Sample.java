package dev.sextant.promql.value;

import dev.sextant.tsdb.model.Labels;

/** One element of an instant vector: a series' labels and one value at time {@code t}. */
public record Sample(Labels metric, long t, double v) {}
