package dev.sextant.promql.ast;

import java.util.List;

/**
 * How the two sides of a vector/vector operation are matched. {@code on} false means {@code
 * ignoring} (or no clause, with an empty list). {@code include} are the extra labels of a group
 * modifier. {@code fillLeft}/{@code fillRight} (null when absent) are the values of the
 * {@code fill}/{@code fill_left}/{@code fill_right} modifiers used for a missing left/right match.
 */
public record VectorMatching(Cardinality card, List<String> labels, boolean on, List<String> include,
        Double fillLeft, Double fillRight) {
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    public VectorMatching {
        labels = List.copyOf(labels);
        include = List.copyOf(include);
    }
}
