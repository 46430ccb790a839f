package dev.sextant.promql.ast;

/** The {@code @} modifier: a fixed time in ms, or the query's start or end. */
public record AtModifier(Kind kind, long timeMs) {
    public enum Kind { TIME, START, END }
}
