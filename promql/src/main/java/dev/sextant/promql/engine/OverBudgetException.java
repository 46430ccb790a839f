package dev.sextant.promql.engine;

/**
 * Evaluation ran past its {@linkplain QueryOptions#budget() budget}. Not an error: the caller runs
 * the query again without one. Carries no stack trace (it is control flow, thrown on the HTTP
 * server's event loop whenever a query turns out too long for it).
 */
public final class OverBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OverBudgetException() {
        super("query evaluation ran past its budget", null, false, false);
    }
}
