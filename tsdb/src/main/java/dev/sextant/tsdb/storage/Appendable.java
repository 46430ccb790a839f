package dev.sextant.tsdb.storage;

/**
 * Something samples can be written to.
 *
 * <p>Thread-safety: implementations are thread-safe; each call returns a new {@link Appender} that
 * belongs to the calling thread.
 */
public interface Appendable {
    /** Opens a new single-use appender. */
    Appender appender();
}
