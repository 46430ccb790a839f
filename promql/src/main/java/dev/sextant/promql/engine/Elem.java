package dev.sextant.promql.engine;

import dev.sextant.tsdb.model.Labels;

/**
 * One element of an instant vector during evaluation. {@code dropName} marks a pending removal of
 * {@code __name__} (delayed name removal, as Prometheus 3.x's test engine runs): the name stays
 * visible to later label functions and is removed when the query's result is assembled.
 * {@code ts} is the stored sample's own timestamp (for {@code timestamp()}).
 */
final class Elem {
    final Labels labels;
    final double v;
    final boolean dropName;
    final long ts;

    Elem(Labels labels, double v, boolean dropName, long ts) {
        this.labels = labels;
        this.v = v;
        this.dropName = dropName;
        this.ts = ts;
    }

    Elem withValue(double nv) {
        return new Elem(labels, nv, dropName, ts);
    }

    Elem withValue(double nv, boolean drop) {
        return new Elem(labels, nv, drop, ts);
    }

    /** Labels as they will appear in the result (name and metadata labels removed if pending). */
    Labels effectiveLabels() {
        return dropName ? Names.dropMetricName(labels) : labels;
    }
}
