package dev.sextant.promql.engine;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;

/** Removal of {@code __name__} together with the metadata labels {@code __type__} and {@code __unit__}. */
final class Names {
    static final String TYPE = "__type__";
    static final String UNIT = "__unit__";

    private Names() {}

    static Labels dropMetricName(Labels l) {
        if (!l.has(Labels.METRIC_NAME) && !l.has(TYPE) && !l.has(UNIT)) {
            return l;
        }
        return new LabelsBuilder(l).delete(Labels.METRIC_NAME).delete(TYPE).delete(UNIT).build();
    }
}
