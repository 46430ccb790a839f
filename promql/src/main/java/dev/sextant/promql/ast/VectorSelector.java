package dev.sextant.promql.ast;

import dev.sextant.tsdb.model.Matcher;
import java.util.List;

/**
 * An instant vector selector. {@code name} is the bare metric name when one was written (null
 * otherwise); {@code matchers} holds every matcher including the one for {@code __name__}.
 */
public record VectorSelector(String name, List<Matcher> matchers) implements Expr {
    public VectorSelector {
        matchers = List.copyOf(matchers);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
