package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.ParseException;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.scrape.relabel.LabelNames;
import dev.sextant.scrape.relabel.Relabeler;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import java.util.Arrays;

/**
 * Turns one parsed exposition into appends for one target: cache lookups, label merging
 * ({@code honor_labels}), metric relabeling, limits, staleness markers and the synthetic
 * {@code up}/{@code scrape_*} series.
 *
 * <p>Hot path: for a series already in the {@link ScrapeCache}, a sample costs a hash over its bytes,
 * one comparison and {@link Appender#append} with the cached handle, ref and labels; nothing is
 * allocated. When the series come in the previous scrape's order (the usual case), the parser
 * compares the line with the expected cache entry's bytes and skips lexing, hashing and the lookup.
 *
 * <p>Thread-safety: not thread-safe; owned by one {@link ScrapeLoop}, used by one scrape at a time.
 */
final class SampleIngester {
    static final String[] REPORT_NAMES = {
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
        "scrape_series_added", "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes"
    };
    /** The first five are always written; the last three with {@code extra_scrape_metrics}. */
    static final int BASIC_REPORTS = 5;

    private final ScrapeConfig cfg;
    private final Labels targetLabels;
    private final ScrapeCache cache;
    private final boolean legacyNames;
    private final LabelsBuilder lb = new LabelsBuilder();
    private final Labels[] reportLabels = new Labels[REPORT_NAMES.length];
    private final long[] reportRefs = new long[REPORT_NAMES.length];
    /** Entries touched by the scrape in progress; committed to the cache only on success. */
    private int[] touched = new int[256];
    private int touchedCount;
    /** The cache entry offered to the parser as the next series. */
    private int expected;
    /** Entries below this one have been looked ahead at in the scrape in progress (see {@link #lookAhead}). */
    private int lookedAhead;
    /** Metadata lines seen in the scrape in progress. */
    private int metaSeen;
    /** The scrape's metadata lines once they differ from the cache's; null while identical so far. */
    private byte[][] newMetaLines;
    /** Parsers that re-read stored metadata lines (see {@link #metadata}); created when first needed. */
    private TextParser replayText;
    private OpenMetricsParser replayOpenMetrics;
    /** Iteration number of the scrape in progress; every scrape, failed or not, takes one. */
    private long iter;

    // Counters of the last ingest.
    int scraped;
    int postRelabel;
    int added;
    int rejected;

    SampleIngester(ScrapeConfig cfg, Labels targetLabels, ScrapeCache cache, long firstIter) {
        this.cfg = cfg;
        this.targetLabels = targetLabels;
        this.cache = cache;
        this.iter = firstIter;
        this.legacyNames = "legacy".equals(cfg.metricNameValidationScheme());
        for (int i = 0; i < REPORT_NAMES.length; i++) {
            reportLabels[i] = targetLabels.toBuilder().set(Labels.METRIC_NAME, REPORT_NAMES[i]).build();
        }
    }

    /** The iteration of the last scrape; a successor loop continues from here. */
    long iteration() {
        return iter;
    }

    /**
     * Appends every sample of the exposition at {@code ts} (or the sample's own timestamp with
     * {@code honor_timestamps}), then stale markers for series of the previous scrape that are gone.
     *
     * @return null on success, else the reason the scrape failed (the caller rolls back)
     */
    String ingest(Appender app, ExpositionParser p, byte[] buf, int len, long ts) {
        iter++;
        scraped = 0;
        postRelabel = 0;
        added = 0;
        rejected = 0;
        touchedCount = 0;
        cache.beginMetadata();
        metaSeen = 0;
        newMetaLines = null;
        expected = 0;
        p.reset(buf, 0, len);
        // Order hints: an exporter writes its series in the same order every scrape, so the entry after
        // the last one seen is offered to the parser, which then only compares bytes instead of lexing,
        // hashing and looking up. Only entries this format's lexer accepted before are offered (a target
        // that switches formats gets its series validated by the other lexer first).
        byte lexed = p instanceof OpenMetricsParser ? ScrapeCache.LEXED_OPENMETRICS : ScrapeCache.LEXED_TEXT;
        offerHint(p, 0, lexed);
        lookedAhead = 0;
        boolean honorTs = cfg.honorTimestamps();
        long sampleLimit = cfg.sampleLimit();
        try {
            ExpositionParser.Entry e;
            while ((e = p.next()) != ExpositionParser.Entry.END) {
                switch (e) {
                    case SAMPLE -> {
                        scraped++;
                        int entry;
                        if (p.seriesMatchedHint()) {
                            entry = expected;
                        } else {
                            int from = p.seriesStart();
                            int to = p.seriesEnd();
                            int h = ScrapeCache.hash(buf, from, to);
                            entry = cache.find(buf, from, to, h);
                            if (entry < 0) {
                                entry = newEntry(p, buf, from, to, h);
                                if ((cache.flags(entry) & ScrapeCache.DROPPED) == 0) {
                                    added++;
                                }
                            }
                            if ((cache.flags(entry) & lexed) == 0) {
                                cache.setFlag(entry, lexed, true);
                            }
                        }
                        expected = entry + 1;
                        offerHint(p, expected, lexed);
                        if (expected + LOOK_AHEAD_MIN > lookedAhead) {
                            lookAhead(app, expected);
                        }
                        touch(entry);
                        byte f = cache.flags(entry);
                        if ((f & ScrapeCache.DROPPED) != 0) {
                            continue;
                        }
                        if ((f & ScrapeCache.LIMIT_VIOLATION) != 0) {
                            return limitViolation(cache.labels(entry));
                        }
                        postRelabel++;
                        if (sampleLimit > 0 && postRelabel > sampleLimit) {
                            return "sample limit exceeded (limit: " + sampleLimit + ")";
                        }
                        boolean explicit = p.hasTimestamp();
                        if (explicit != ((f & ScrapeCache.EXPLICIT_TS) != 0)) {
                            cache.setFlag(entry, ScrapeCache.EXPLICIT_TS, explicit);
                        }
                        long t = honorTs && explicit ? p.timestampMillis() : ts;
                        try {
                            long ref = cache.ref(entry);
                            long got = app.append(cache.handle(entry), ref, cache.labels(entry), t, p.value());
                            if (got != ref) {
                                adoptRef(app, entry, got);
                            }
                        } catch (StorageException ex) {
                            rejected++; // out of order, duplicate, too far in the future: dropped, counted
                        }
                    }
                    case TYPE, HELP, UNIT -> metadata(p, e, buf, lexed);
                    default -> { }
                }
            }
        } catch (ParseException ex) {
            return ex.getMessage();
        } catch (InvalidSeries ex) {
            return ex.getMessage();
        } finally {
            p.expectSeries(null, 0, 0);
        }
        for (int i = 0; i < touchedCount; i++) {
            cache.setLastIter(touched[i], iter);
        }
        appendStaleMarkers(app, ts, iter - 1);
        try {
            endMetadata(lexed);
        } catch (ParseException ex) { // stored lines parsed before; cannot happen
            return ex.getMessage();
        }
        cache.publishMetadata();
        cache.sweep(iter - 1);
        return null;
    }

    /**
     * A HELP, TYPE or UNIT line. Exporters send the same metadata lines every scrape, so while this
     * scrape's lines are byte for byte the last successful scrape's (same position, same lexer), they
     * are skipped: no family name or text is decoded and the metadata map is not touched (the
     * published map already holds their effect). At the first difference, the identical lines before
     * it are re-read from the cache and applied in order, then this and every later line are applied,
     * so the result is that of applying every line (even with repeated families).
     */
    private void metadata(ExpositionParser p, ExpositionParser.Entry e, byte[] buf, byte lexed) throws ParseException {
        int k = metaSeen++;
        int ls = p.metadataLineStart();
        int le = p.metadataLineEnd();
        if (newMetaLines == null) {
            if (ls >= 0 && k < cache.metaLineCount() && cache.metaLinesLexed() == lexed) {
                byte[] prev = cache.metaLine(k);
                if (Arrays.equals(prev, 0, prev.length, buf, ls, le)) {
                    return;
                }
            }
            newMetaLines = new byte[Math.max(16, 2 * k)][];
            replayMetadata(k, lexed);
        }
        applyMetadata(p, e);
        if (k == newMetaLines.length) {
            newMetaLines = Arrays.copyOf(newMetaLines, 2 * k);
        }
        newMetaLines[k] = ls >= 0 ? Arrays.copyOfRange(buf, ls, le) : new byte[0]; // an empty line never matches
    }

    /** End of a successful scrape: keeps this scrape's metadata lines for the next one. */
    private void endMetadata(byte lexed) throws ParseException {
        int n = metaSeen;
        if (newMetaLines == null) {
            if (n == cache.metaLineCount() && (n == 0 || cache.metaLinesLexed() == lexed)) {
                return; // the same lines as last time: nothing changed
            }
            // Fewer lines, all identical to the first ones of last time: their effect is applied again
            // (a dropped line may have overwritten one of them).
            newMetaLines = new byte[Math.max(16, n)][];
            replayMetadata(n, lexed);
        }
        cache.setMetaLines(newMetaLines, n, lexed);
        newMetaLines = null;
    }

    /** Applies the cache's first {@code n} metadata lines again and takes them over into {@link #newMetaLines}. */
    private void replayMetadata(int n, byte lexed) throws ParseException {
        ExpositionParser rp;
        if (lexed == ScrapeCache.LEXED_OPENMETRICS) {
            rp = replayOpenMetrics == null ? replayOpenMetrics = new OpenMetricsParser() : replayOpenMetrics;
        } else {
            rp = replayText == null ? replayText = new TextParser() : replayText;
        }
        for (int i = 0; i < n; i++) {
            byte[] line = cache.metaLine(i);
            newMetaLines[i] = line;
            rp.reset(line, 0, line.length);
            ExpositionParser.Entry e = rp.next();
            if (e == ExpositionParser.Entry.TYPE || e == ExpositionParser.Entry.HELP || e == ExpositionParser.Entry.UNIT) {
                applyMetadata(rp, e);
            }
        }
    }

    private void applyMetadata(ExpositionParser p, ExpositionParser.Entry e) {
        switch (e) {
            case TYPE -> cache.metadata(p.familyName(), p.type(), null, null);
            case HELP -> cache.metadata(p.familyName(), null, p.text(), null);
            case UNIT -> cache.metadata(p.familyName(), null, null, p.text());
            default -> { }
        }
    }

    /** Look-ahead batch size, and how close the scrape may come to the end of the last batch. */
    static final int LOOK_AHEAD_BATCH = 64;
    static final int LOOK_AHEAD_MIN = 32;

    /**
     * Tells the storage that the next {@link #LOOK_AHEAD_BATCH} cache entries after {@code from}
     * come next, i.e. the series the exporter will most likely send next (its previous order). On
     * a large head every append starts with cache misses on its series; one after another, parsing
     * in between, they cannot overlap. The storage's {@link Appender#prefetch} loads the series of
     * a batch at once, independent loads the processor keeps in flight together, so the appends
     * that follow find the memory in cache. The entries carry the storage's handles, so this costs
     * no ref look-ups (those were ~40 % of the scrape thread's CPU at 1M series: a chain of
     * dependent misses through the ref map per series). A wrong guess costs a load, no more.
     */
    private void lookAhead(Appender app, int from) {
        int start = Math.max(from, lookedAhead);
        int end = Math.min(cache.size(), from + LOOK_AHEAD_BATCH);
        if (start < end) {
            app.prefetch(cache.handles(), start, end);
        }
        lookedAhead = Math.max(end, from + LOOK_AHEAD_MIN);
    }

    /** Offers the series text of entry {@code e} when this format's lexer has accepted it before, else none. */
    private void offerHint(ExpositionParser p, int e, byte lexed) {
        if (e < cache.size() && (cache.flags(e) & lexed) != 0) {
            p.expectSeries(cache.keyBytes(), cache.keyOffset(e), cache.keyLength(e));
        } else {
            p.expectSeries(null, 0, 0);
        }
    }

    /** A failed scrape counts as an empty one: stale markers for everything the previous scrape had. */
    void failed(Appender app, long ts) {
        appendStaleMarkers(app, ts, iter - 1);
    }

    /** Marks a failed scrape's iteration (when {@link #ingest} never ran, e.g. an HTTP error). */
    void skipIteration() {
        iter++;
    }

    /** End of a target: stale markers for the series of its last scrape and for the report series. */
    void endOfRun(Appender app, long ts) {
        appendStaleMarkers(app, ts, iter);
        int n = cfg.extraScrapeMetrics() ? REPORT_NAMES.length : BASIC_REPORTS;
        for (int i = 0; i < n; i++) {
            appendSafe(app, i, ts, StaleNaN.VALUE);
        }
    }

    private void appendStaleMarkers(Appender app, long ts, long seenIter) {
        boolean track = cfg.trackTimestampsStaleness();
        for (int e = 0, n = cache.size(); e < n; e++) {
            if (cache.lastIter(e) != seenIter) {
                continue;
            }
            byte f = cache.flags(e);
            if ((f & (ScrapeCache.DROPPED | ScrapeCache.LIMIT_VIOLATION)) != 0 || (!track && (f & ScrapeCache.EXPLICIT_TS) != 0)) {
                continue;
            }
            try {
                long ref = cache.ref(e);
                long got = app.append(cache.handle(e), ref, cache.labels(e), ts, StaleNaN.VALUE);
                if (got != ref) {
                    adoptRef(app, e, got);
                }
            } catch (StorageException ex) {
                // A newer sample already exists (e.g. the series moved to another target): nothing to mark.
            }
        }
    }

    /** Appends the synthetic series; they bypass metric relabeling and limits. */
    void report(Appender app, long ts, boolean up, double durationSeconds, long timeoutMs, long bodyBytes) {
        appendSafe(app, 0, ts, up ? 1 : 0);
        appendSafe(app, 1, ts, durationSeconds);
        appendSafe(app, 2, ts, scraped);
        appendSafe(app, 3, ts, postRelabel);
        appendSafe(app, 4, ts, added);
        if (cfg.extraScrapeMetrics()) {
            appendSafe(app, 5, ts, timeoutMs / 1000.0);
            appendSafe(app, 6, ts, cfg.sampleLimit());
            appendSafe(app, 7, ts, bodyBytes);
        }
    }

    /** Resets counters for a scrape that failed before parsing. */
    void resetCounters() {
        scraped = 0;
        postRelabel = 0;
        added = 0;
        rejected = 0;
    }

    /**
     * Keeps a new storage ref, the storage's handle on the series and, when the storage offers it,
     * the storage's own {@code Labels} instance for the series. The storage checks a ref against the
     * labels passed with it; with its own instance that check is an identity comparison instead of a
     * walk over every label string (in a profile of 200 targets x 1,000 series that walk was a
     * quarter of the server's CPU), and the cache holds no second copy of the label strings. Only
     * runs when the ref changes: the first append of a series, or after the storage dropped and
     * re-created it.
     */
    private void adoptRef(Appender app, int entry, long ref) {
        cache.setRef(entry, ref, app.handle(ref));
        Labels stored = app.storedLabels(ref);
        if (stored != null && stored != cache.labels(entry) && stored.equals(cache.labels(entry))) {
            cache.setLabels(entry, stored);
        }
    }

    private void appendSafe(Appender app, int i, long ts, double v) {
        try {
            long ref = reportRefs[i];
            reportRefs[i] = app.append(ref, reportLabels[i], ts, v);
            if (reportRefs[i] != ref) {
                Labels stored = app.storedLabels(reportRefs[i]);
                if (stored != null && stored.equals(reportLabels[i])) {
                    reportLabels[i] = stored;
                }
            }
        } catch (StorageException e) {
            // Out of order after a clock step: skip this report sample.
        }
    }

    private void touch(int entry) {
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = entry;
    }

    /** Slow path, once per new series: decode, merge target labels, relabel, check limits. */
    private int newEntry(ExpositionParser p, byte[] buf, int from, int to, int h) throws ParseException, InvalidSeries {
        lb.reset();
        p.labels(lb);
        Labels exposed = lb.build();
        Labels merged = mergeTargetLabels(exposed);
        Labels lset = Relabeler.process(merged, cfg.metricRelabelConfigs());
        if (lset == null) {
            return cache.add(buf, from, to, h, merged, ScrapeCache.DROPPED);
        }
        if (lset.metricName().isEmpty()) {
            throw new InvalidSeries("__name__ label is mandatory, got " + lset);
        }
        if (legacyNames) {
            checkLegacyNames(lset);
        }
        byte flag = violatesLimits(lset) != null ? ScrapeCache.LIMIT_VIOLATION : 0;
        return cache.add(buf, from, to, h, lset, flag);
    }

    /** honor_labels: exposed values win; else target labels win and clashing ones become exported_*. */
    private Labels mergeTargetLabels(Labels exposed) {
        if (targetLabels.isEmpty()) {
            return exposed;
        }
        LabelsBuilder b = new LabelsBuilder(exposed);
        for (int i = 0; i < targetLabels.size(); i++) {
            String name = targetLabels.name(i);
            String value = targetLabels.value(i);
            String existing = exposed.get(name);
            if (cfg.honorLabels()) {
                if (existing.isEmpty()) {
                    b.set(name, value);
                }
                continue;
            }
            if (!existing.isEmpty()) {
                String exported = "exported_" + name;
                while (!exposed.get(exported).isEmpty() || targetLabels.has(exported)) {
                    exported = "exported_" + exported;
                }
                b.set(exported, existing);
            }
            b.set(name, value);
        }
        return b.build();
    }

    /** {@code metric_name_validation_scheme: legacy}: names outside the legacy charsets fail the scrape. */
    private static void checkLegacyNames(Labels l) throws InvalidSeries {
        String name = l.metricName();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                throw new InvalidSeries("invalid metric name \"" + name + "\" for the legacy validation scheme");
            }
        }
        for (int i = 0; i < l.size(); i++) {
            if (!l.name(i).equals(Labels.METRIC_NAME) && !LabelNames.isLegacy(l.name(i))) {
                throw new InvalidSeries("invalid label name \"" + l.name(i) + "\" for the legacy validation scheme");
            }
        }
    }

    private String violatesLimits(Labels l) {
        long max = cfg.labelLimit();
        if (max > 0 && l.size() > max) {
            return "label_limit exceeded (metric: " + cut(l.metricName()) + ", number of labels: " + l.size() + ", limit: " + max + ")";
        }
        long nameMax = cfg.labelNameLengthLimit();
        long valueMax = cfg.labelValueLengthLimit();
        for (int i = 0; i < l.size(); i++) {
            if (nameMax > 0 && l.name(i).length() > nameMax) {
                return "label_name_length_limit exceeded (metric: " + cut(l.metricName()) + ", label name: "
                        + cut(l.name(i)) + ", length: " + l.name(i).length() + ", limit: " + nameMax + ")";
            }
            if (valueMax > 0 && l.value(i).length() > valueMax) {
                return "label_value_length_limit exceeded (metric: " + cut(l.metricName()) + ", label name: "
                        + cut(l.name(i)) + ", value: \"" + cut(l.value(i)) + "\", length: " + l.value(i).length()
                        + ", limit: " + valueMax + ")";
            }
        }
        return null;
    }

    private String limitViolation(Labels l) {
        String v = violatesLimits(l);
        return v != null ? v : "label limits exceeded";
    }

    private static String cut(String s) {
        return s.length() <= 50 ? s : s.substring(0, 50);
    }

    /** A series that cannot be stored fails the scrape. */
    private static final class InvalidSeries extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidSeries(String msg) {
            super(msg);
        }
    }
}
