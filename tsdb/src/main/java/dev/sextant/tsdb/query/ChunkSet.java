package dev.sextant.tsdb.query;

/**
 * The XOR chunks of one series in one source, ordered by time and non-overlapping.
 *
 * <p>Lifetime: valid while the querier that produced it is open. Thread-safety: not thread-safe.
 */
public interface ChunkSet {
    int size();

    long minT(int i);

    long maxT(int i);

    /**
     * Loads chunk {@code i}'s XOR payload into {@code buf} (growing it as needed) and returns its
     * length in {@code buf.len}.
     */
    void load(int i, ByteScratch buf);

    /** Deleted intervals as closed pairs {@code [min0, max0, min1, max1, ...]}, or null. */
    default long[] deleted() {
        return null;
    }
}
