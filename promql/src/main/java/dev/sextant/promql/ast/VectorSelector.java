package dev.sextant.promql.ast;

import dev.sextant.tsdb.model.Matcher;
import java.util.List;

/**
 * An instant vector selector. {@code name} is the bare metric name when one was written (null
 * otherwise); {@code matchers} holds every matcher including the one for {@code __name__}.
 * {@code offset} is null when absent; {@code at} is null when absent. {@code anchored} and {@code
 * smoothed} are the experimental extended range modifiers.
 */
public record VectorSelector(String name, List<Matcher> matchers, DurationExpr offset, AtModifier at,
        boolean anchored, boolean smoothed, int pos) implements Expr {
    public VectorSelector {
        matchers = List.copyOf(matchers);
    }

    public VectorSelector(String name, List<Matcher> matchers) {
        this(name, matchers, null, null, false, false, -1);
    }

    public VectorSelector withOffset(DurationExpr o) {
        return new VectorSelector(name, matchers, o, at, anchored, smoothed, pos);
    }

    public VectorSelector withAt(AtModifier a) {
        return new VectorSelector(name, matchers, offset, a, anchored, smoothed, pos);
    }

    public VectorSelector withExtension(boolean anchor, boolean smooth) {
        return new VectorSelector(name, matchers, offset, at, anchor, smooth, pos);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
