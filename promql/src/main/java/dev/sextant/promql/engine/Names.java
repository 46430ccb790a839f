package dev.sextant.promql.engine;

import dev.sextant.tsdb.model.Labels;

/** Removal of {@code __name__} together with the metadata labels {@code __type__} and {@code __unit__}. */
final class Names {
    static final String TYPE = "__type__";
    static final String UNIT = "__unit__";

    private Names() {}

    static Labels dropMetricName(Labels l) {
        return l.without(Labels.METRIC_NAME, TYPE, UNIT);
    }
}
