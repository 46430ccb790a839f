package dev.sextant.tsdb.storage;

/**
 * Hints from the query engine to storage: the time range actually needed and the function being
 * applied. Storage may use them to prune; it must return correct data when it ignores them.
 *
 * @param start first millisecond needed (inclusive)
 * @param end last millisecond needed (inclusive)
 * @param step query step in milliseconds, 0 for instant queries
 * @param func the surrounding function name, or null
 * @param range range of a range selector in milliseconds, 0 for instant selectors
 */
public record SelectHints(long start, long end, long step, String func, long range) {
    public static SelectHints of(long start, long end) {
        return new SelectHints(start, end, 0, null, 0);
    }
}
