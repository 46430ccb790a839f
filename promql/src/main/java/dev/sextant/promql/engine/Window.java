package dev.sextant.promql.engine;

import dev.sextant.tsdb.model.Labels;

/**
 * One series of a range vector during evaluation: float samples {@code [from, to)} of shared
 * arrays, the window bounds ({@code (start, end]}, ms) and the pending name drop.
 */
final class Window {
    final Labels labels;
    final long[] ts;
    final double[] vs;
    final int from;
    final int to;
    final long start;
    final long end;
    final boolean dropName;
    /** Anchored/smoothed window whose first and last samples are boundary values. */
    boolean boundaryValues;

    Window(Labels labels, long[] ts, double[] vs, int from, int to, long start, long end, boolean dropName) {
        this.labels = labels;
        this.ts = ts;
        this.vs = vs;
        this.from = from;
        this.to = to;
        this.start = start;
        this.end = end;
        this.dropName = dropName;
    }
}
