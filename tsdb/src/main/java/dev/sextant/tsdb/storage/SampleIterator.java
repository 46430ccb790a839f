package dev.sextant.tsdb.storage;

/**
 * A forward-only cursor over one series' samples in ascending time order. Samples are never boxed:
 * read the current one with {@link #atT()} and {@link #atV()}.
 *
 * <p>Protocol: {@link #next()} or {@link #seek(long)} must return true before {@code atT}/{@code
 * atV} are read. Once either returns false the iterator is exhausted (check {@link #error()}).
 *
 * <p>Lifetime: valid until the querier closes. Thread-safety: not thread-safe.
 */
public interface SampleIterator {
    SampleIterator EMPTY = new SampleIterator() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long t) {
            return false;
        }

        @Override
        public long atT() {
            throw new IllegalStateException("empty iterator");
        }

        @Override
        public double atV() {
            throw new IllegalStateException("empty iterator");
        }
    };

    /** Advances to the next sample. */
    boolean next();

    /**
     * Advances to the first sample with timestamp {@code >= t}. If the current sample already
     * satisfies that, stays put. Never moves backwards.
     */
    boolean seek(long t);

    long atT();

    double atV();

    /** The error that ended iteration early, or null. */
    default Throwable error() {
        return null;
    }
}
