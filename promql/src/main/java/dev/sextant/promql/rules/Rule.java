package dev.sextant.promql.rules;

import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Queryable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A rule with its evaluation health. Subclasses produce the samples one evaluation writes.
 *
 * <p>Thread-safety: not thread-safe; the owning {@link RuleGroup} serializes access under its lock.
 */
abstract sealed class Rule permits RecordingRule, AlertingRule {
    final RuleSpec spec;
    String health = "unknown";
    String lastError = "";
    long lastEvalMs = Long.MIN_VALUE;
    long evalNanos;
    /** Series written by the last successful evaluation, for stale markers when they disappear. */
    Set<Labels> lastSeries = new HashSet<>();
    long failures;

    Rule(RuleSpec spec) {
        this.spec = spec;
    }

    /** What a rule needs from its group for one evaluation. */
    record Context(QueryEngine engine, Queryable storage, RuleManagerOptions options, Labels groupLabels, int limit,
            long groupIntervalMs) {
        /** Instant query; a scalar becomes one sample without labels. */
        List<Sample> query(String expr, long ts) {
            Value v = engine.instantQuery(storage, expr, ts, options.queryOptions()).value();
            if (v instanceof Vector vec) {
                return vec.samples();
            }
            if (v instanceof Scalar s) {
                return List.of(new Sample(Labels.EMPTY, s.t(), s.v()));
            }
            throw new IllegalStateException("rule result is not a vector or scalar: " + v.type());
        }
    }

    /**
     * Evaluates the rule at instant {@code evalTs}, querying at {@code queryTs} (the instant minus the
     * group's {@code query_offset}); returns the samples to append, all at {@code queryTs}.
     */
    abstract List<Sample> eval(Context ctx, long evalTs, long queryTs);

    static List<Sample> copy(List<Sample> in) {
        return new ArrayList<>(in);
    }
}
