package dev.sextant.tsdb.storage;

/**
 * A forward-only cursor over series. Protocol: call {@link #next()}; while it returns true, {@link
 * #at()} is the current series; when it returns false, check {@link #error()}.
 *
 * <p>Lifetime: bounded by the {@link Querier} that produced it. Thread-safety: not thread-safe.
 */
public interface SeriesSet {
    SeriesSet EMPTY = new SeriesSet() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Series at() {
            throw new IllegalStateException("empty series set");
        }
    };

    boolean next();

    Series at();

    /** The error that ended iteration early, or null. */
    default Throwable error() {
        return null;
    }
}
