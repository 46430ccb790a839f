package dev.sextant.promql.rules;

import dev.sextant.promql.value.Sample;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code record:} rules: the expression's result under a new metric name, with group and rule labels.
 *
 * <p>Thread-safety: as {@link Rule}.
 */
final class RecordingRule extends Rule {
    RecordingRule(RuleSpec spec) {
        super(spec);
    }

    @Override
    List<Sample> eval(Context ctx, long evalTs, long ts) {
        List<Sample> in = ctx.query(spec.expr(), ts);
        List<Sample> out = new ArrayList<>(in.size());
        Set<Labels> seen = new HashSet<>();
        LabelsBuilder b = new LabelsBuilder();
        for (Sample s : in) {
            b.reset(s.metric());
            b.set(Labels.METRIC_NAME, spec.name());
            ctx.groupLabels().forEach(b::set);
            for (Map.Entry<String, String> e : spec.labels().entrySet()) {
                b.set(e.getKey(), e.getValue());
            }
            Labels l = b.build();
            if (!seen.add(l)) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying rule labels");
            }
            out.add(new Sample(l, ts, s.v()));
        }
        if (ctx.limit() > 0 && out.size() > ctx.limit()) {
            throw new IllegalStateException("exceeded limit of " + ctx.limit() + " with " + out.size() + " series");
        }
        return out;
    }
}
