package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.StringLiteral;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.Scalar;
import dev.sextant.promql.value.StringValue;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one expression tree at one timestamp against one querier.
 *
 * <p>Thread-safety: not thread-safe; one per query.
 */
final class Evaluator {
    private final Querier querier;
    private final long lookbackMs;
    private final long maxSamples;
    private SampleIterator reuse;

    Evaluator(Querier querier, EngineOptions options) {
        this.querier = querier;
        this.lookbackMs = options.lookbackDelta().toMillis();
        this.maxSamples = options.maxSamples();
    }

    Value eval(Expr expr, long t) {
        if (expr instanceof NumberLiteral n) {
            return new Scalar(t, n.value());
        }
        if (expr instanceof StringLiteral s) {
            return new StringValue(t, s.value());
        }
        if (expr instanceof VectorSelector v) {
            return selectInstant(v, t);
        }
        throw new QueryException(QueryException.Kind.EXECUTION, "unsupported expression: " + expr);
    }

    /**
     * For each matching series, the newest sample in {@code (t - lookback, t]}, stamped with {@code
     * t}; a series whose newest sample is a staleness marker yields nothing.
     */
    private Vector selectInstant(VectorSelector sel, long t) {
        long mint = t - lookbackMs + 1;
        Matcher[] matchers = sel.matchers().toArray(new Matcher[0]);
        SeriesSet set = querier.select(false, SelectHints.of(mint, t), matchers);
        List<Sample> out = new ArrayList<>();
        while (set.next()) {
            SampleIterator it = set.at().iterator(reuse);
            reuse = it;
            if (!it.seek(mint)) {
                continue;
            }
            long lastT = Long.MIN_VALUE;
            double lastV = 0;
            do {
                long st = it.atT();
                if (st > t) {
                    break;
                }
                lastT = st;
                lastV = it.atV();
            } while (it.next());
            if (lastT == Long.MIN_VALUE || StaleNaN.isStale(lastV)) {
                continue;
            }
            out.add(new Sample(set.at().labels(), t, lastV));
            if (out.size() > maxSamples) {
                throw new QueryException(QueryException.Kind.EXECUTION,
                        "query processing would load too many samples into memory in query execution");
            }
        }
        if (set.error() != null) {
            throw new QueryException(QueryException.Kind.EXECUTION, set.error().getMessage(), set.error());
        }
        return new Vector(out);
    }
}
