package dev.sextant.scrape.exposition;

import dev.sextant.tsdb.model.LabelsBuilder;

/**
 * A pull parser over one exposition held in a {@code byte[]}. Call {@link #reset}, then {@link #next}
 * until it returns {@link Entry#END}; after each entry the accessors describe it.
 *
 * <p>Allocation: {@code next()} allocates nothing for sample lines. A sample's identity is the byte
 * range {@link #seriesStart()}..{@link #seriesEnd()} of {@link #buffer()} (name and label text as
 * exposed), so a cache can map it to a series without decoding; {@link #labels} decodes (and
 * allocates) only when the caller needs the label set. Metadata accessors allocate.
 *
 * <p>Lifetime and thread-safety: not thread-safe; one parser per scrape loop, reused across scrapes.
 * The buffer is borrowed until the next {@code reset}; accessors are valid until the next {@code next}.
 */
public interface ExpositionParser {
    /** What {@link #next} found. */
    enum Entry { SAMPLE, TYPE, HELP, UNIT, END }

    /** Starts parsing {@code buf[off, off+len)}. */
    void reset(byte[] buf, int off, int len);

    /** Advances to the next entry; comments and blank lines (where allowed) are skipped. */
    Entry next() throws ParseException;

    /** The borrowed input buffer. */
    byte[] buffer();

    /** Start (inclusive) of the current sample's series text (metric name and labels). */
    int seriesStart();

    /** End (exclusive) of the current sample's series text. */
    int seriesEnd();

    /**
     * Offers the series text the caller expects on the next sample line (a scrape cache knows the order
     * of the previous scrape), or null for none. When the next sample line starts with exactly these
     * bytes followed by the separator the series would end at, the parser takes them as the series
     * without lexing them again and {@link #seriesMatchedHint()} is true for that sample. The caller
     * must only offer bytes that this parser accepted as a whole series text before (lexing identical
     * bytes gives the identical result, so the outcome is the same as without the hint); the array is
     * borrowed until the next call. Default: hints are ignored.
     */
    default void expectSeries(byte[] series) {
        if (series == null) {
            expectSeries(null, 0, 0);
        } else {
            expectSeries(series, 0, series.length);
        }
    }

    /**
     * {@link #expectSeries(byte[])} for the bytes {@code series[off, off + len)}, so a caller can keep
     * many series texts in one array (a scrape cache keeps a target's in exposition order, and the
     * comparisons then read memory in order instead of one small array per series). {@code series}
     * null offers none. Default: hints are ignored.
     */
    default void expectSeries(byte[] series, int off, int len) {}

    /** Whether the current sample's series text is the one offered by {@link #expectSeries}. */
    default boolean seriesMatchedHint() {
        return false;
    }

    /** The current sample's value. */
    double value();

    /** Whether the current sample carries a timestamp. */
    boolean hasTimestamp();

    /** The current sample's timestamp in milliseconds (OpenMetrics seconds are converted). */
    long timestampMillis();

    /**
     * Decodes the current sample's labels into {@code b} (which is not reset first): {@code __name__}
     * and every label; empty values are dropped. For histogram and summary families {@code le} and
     * {@code quantile} are rewritten to canonical float text ({@code 1} becomes {@code 1.0}).
     */
    void labels(LabelsBuilder b) throws ParseException;

    /** Whether the current sample has an exemplar (OpenMetrics only). */
    boolean hasExemplar();

    /** Decodes the exemplar's labels into {@code b}. */
    void exemplarLabels(LabelsBuilder b) throws ParseException;

    double exemplarValue();

    boolean exemplarHasTimestamp();

    long exemplarTimestampMillis();

    /** For TYPE, HELP and UNIT: the family name. */
    String familyName();

    /** For TYPE: the type. */
    MetricType type();

    /** For HELP: the unescaped text; for UNIT: the unit. */
    String text();

    /**
     * For TYPE, HELP and UNIT: where the entry's line starts in {@link #buffer()} (its end is
     * {@link #metadataLineEnd()}, the newline excluded). A caller that saw the same bytes before may
     * skip the entry's strings: the family name and text are only decoded when asked for. Default: -1
     * (unknown; the caller must use the strings).
     */
    default int metadataLineStart() {
        return -1;
    }

    /** For TYPE, HELP and UNIT: the end of the entry's line (exclusive, the newline excluded). */
    default int metadataLineEnd() {
        return -1;
    }

    /** 1-based number of the line of the current entry. */
    int line();
}
