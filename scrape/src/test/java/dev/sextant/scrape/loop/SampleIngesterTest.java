package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleIngesterTest {
    /** Records appends; returns a ref derived from the labels' hash. */
    static final class RecordingAppender implements Appender {
        final List<String> log = new ArrayList<>();
        boolean record = true;
        long count;

        @Override
        public long append(long ref, Labels labels, long t, double v) {
            count++;
            if (record) {
                log.add(labels + " " + (StaleNaN.isStale(v) ? "stale" : String.valueOf(v)) + " @" + t);
            }
            return ref != 0 ? ref : labels.hashCode() | 1L;
        }

        @Override
        public void commit() {}

        @Override
        public void rollback() {}
    }

    static ScrapeConfig cfg() {
        return ScrapeConfigFile.parse("t.yml", "scrape_configs: [{job_name: j}]").scrapeConfigs().get(0);
    }

    @Test
    void knownSeriesCostNoAllocation() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("http_requests_total{handler=\"/api/").append(i).append("\",code=\"200\"} ").append(i).append(".5\n");
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j", "instance", "h:1"), cache, 0);
        TextParser parser = new TextParser();
        RecordingAppender app = new RecordingAppender();
        app.record = false;
        for (int i = 0; i < 300; i++) { // warm up (JIT) and fill the cache
            assertThat(in.ingest(app, parser, body, body.length, 1000L + i)).isNull();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) {
            in.ingest(app, parser, body, body.length, 5000L + i);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(in.added).isZero();
        assertThat(in.postRelabel).isEqualTo(5000);
        // 50,000 samples ingested; one allocation per sample would be >= 800 kB.
        assertThat(allocated).isLessThan(16_384);
    }

    /** HELP and TYPE lines that are the same as in the last scrape decode nothing and touch no map. */
    @Test
    void unchangedMetadataLinesCostNoAllocation() {
        StringBuilder sb = new StringBuilder();
        for (int f = 0; f < 500; f++) {
            sb.append("# HELP family_").append(f).append("_total Requests of family ").append(f).append(".\n");
            sb.append("# TYPE family_").append(f).append("_total counter\n");
            for (int i = 0; i < 2; i++) {
                sb.append("family_").append(f).append("_total{code=\"").append(200 + i).append("\"} ").append(i).append('\n');
            }
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser parser = new TextParser();
        RecordingAppender app = new RecordingAppender();
        app.record = false;
        for (int i = 0; i < 300; i++) {
            assertThat(in.ingest(app, parser, body, body.length, 1000L + i)).isNull();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) {
            in.ingest(app, parser, body, body.length, 5000L + i);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        // 10,000 metadata lines; a family name string per line alone would be > 400 kB.
        assertThat(allocated).isLessThan(16_384);
        assertThat(cache.metadataSnapshot()).hasSize(500)
                .containsEntry("family_7_total", new ScrapeCache.Metadata(dev.sextant.scrape.exposition.MetricType.COUNTER,
                        "Requests of family 7.", ""));
    }

    /** Skipping unchanged lines gives the same metadata as applying every line, in every case below. */
    @Test
    void metadataFollowsChangedLinesAsIfEveryLineWereApplied() {
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser text = new TextParser();
        long[] t = {1000};
        java.util.function.BiFunction<dev.sextant.scrape.exposition.ExpositionParser, String, String> scrape = (p, s) -> {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return in.ingest(new RecordingAppender(), p, b, b.length, t[0]++);
        };
        java.util.function.Function<String, String> help = f -> cache.metadataSnapshot().get(f).help();
        var counter = dev.sextant.scrape.exposition.MetricType.COUNTER;
        var gauge = dev.sextant.scrape.exposition.MetricType.GAUGE;

        String first = "# HELP a first\n# TYPE a counter\na 1\n# HELP b bee\nb 1\n";
        assertThat(scrape.apply(text, first)).isNull();
        assertThat(scrape.apply(text, first)).isNull();
        assertThat(cache.metadataSnapshot().get("a")).isEqualTo(new ScrapeCache.Metadata(counter, "first", ""));
        assertThat(help.apply("b")).isEqualTo("bee");

        assertThat(scrape.apply(text, "# HELP a second\n# TYPE a gauge\na 1\n# HELP b bee\nb 1\n")).isNull();
        assertThat(cache.metadataSnapshot().get("a")).isEqualTo(new ScrapeCache.Metadata(gauge, "second", ""));
        assertThat(help.apply("b")).isEqualTo("bee");

        // A repeated family: the last line wins; when it goes away, the earlier (unchanged) line wins again.
        assertThat(scrape.apply(text, "# HELP c x\n# HELP c y\nc 1\n")).isNull();
        assertThat(help.apply("c")).isEqualTo("y");
        assertThat(scrape.apply(text, "# HELP c x\nc 1\n")).isNull();
        assertThat(help.apply("c")).isEqualTo("x");
        assertThat(scrape.apply(text, "# HELP c x\n# HELP c y\nc 1\n")).isNull();
        assertThat(scrape.apply(text, "# HELP c x\n# HELP c w\nc 1\n")).isNull();
        assertThat(help.apply("c")).isEqualTo("w");

        // A failed scrape publishes nothing, and the next scrape compares with the last successful one.
        assertThat(scrape.apply(text, "# HELP c z\nc 1\nbad{ 1\n")).isNotNull();
        assertThat(help.apply("c")).isEqualTo("w");
        assertThat(scrape.apply(text, "# HELP c z\nc 1\n")).isNull();
        assertThat(help.apply("c")).isEqualTo("z");

        // The same bytes mean different text in the two formats: a format switch compares nothing.
        assertThat(scrape.apply(text, "# HELP d a\\\"b\nd 1\n")).isNull();
        assertThat(help.apply("d")).isEqualTo("a\\\"b");
        assertThat(scrape.apply(new dev.sextant.scrape.exposition.OpenMetricsParser(), "# HELP d a\\\"b\nd 1\n# EOF\n")).isNull();
        assertThat(help.apply("d")).isEqualTo("a\"b");
    }

    @Test
    void legacyValidationRejectsUtf8Names() {
        ScrapeConfig legacy = ScrapeConfigFile.parse("t.yml",
                "scrape_configs: [{job_name: j, metric_name_validation_scheme: legacy}]").scrapeConfigs().get(0);
        byte[] body = "{\"my.metric\"} 1\n".getBytes(StandardCharsets.UTF_8);
        SampleIngester strict = new SampleIngester(legacy, Labels.of("job", "j"), new ScrapeCache(), 0);
        assertThat(strict.ingest(new RecordingAppender(), new TextParser(), body, body.length, 1))
                .isEqualTo("invalid metric name \"my.metric\" for the legacy validation scheme");
        SampleIngester utf8 = new SampleIngester(cfg(), Labels.of("job", "j"), new ScrapeCache(), 0);
        assertThat(utf8.ingest(new RecordingAppender(), new TextParser(), body, body.length, 1)).isNull();
    }

    @Test
    void staleMarkersForVanishedSeriesOnlyOnce() {
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser p = new TextParser();
        RecordingAppender app = new RecordingAppender();
        byte[] both = "a 1\nb 2\nc 3 500\n".getBytes(StandardCharsets.UTF_8);
        byte[] onlyA = "a 1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(app, p, both, both.length, 1000)).isNull();
        app.log.clear();
        assertThat(in.ingest(app, p, onlyA, onlyA.length, 2000)).isNull();
        // b goes stale; c carried an explicit timestamp, so it does not (track_timestamps_staleness off).
        assertThat(app.log).containsExactly("{__name__=\"a\", job=\"j\"} 1.0 @2000", "{__name__=\"b\", job=\"j\"} stale @2000");
        app.log.clear();
        assertThat(in.ingest(app, p, onlyA, onlyA.length, 3000)).isNull();
        assertThat(app.log).containsExactly("{__name__=\"a\", job=\"j\"} 1.0 @3000");
        // A failed scrape is an empty one: a goes stale, and the next good scrape starts fresh.
        byte[] bad = "a 1\n}\n".getBytes(StandardCharsets.UTF_8);
        app.log.clear();
        assertThat(in.ingest(app, p, bad, bad.length, 4000)).startsWith("line 2:");
        RecordingAppender second = new RecordingAppender();
        in.failed(second, 4000);
        assertThat(second.log).containsExactly("{__name__=\"a\", job=\"j\"} stale @4000");
        second.log.clear();
        in.ingest(second, p, onlyA, onlyA.length, 5000);
        assertThat(second.log).containsExactly("{__name__=\"a\", job=\"j\"} 1.0 @5000");
        assertThat(in.added).isZero();
    }
    /** An appender that keeps its own Labels instance per series, as the head does. */
    static class StoringAppender implements Appender {
        final java.util.Map<Labels, Long> refs = new java.util.HashMap<>();
        final java.util.Map<Long, Labels> stored = new java.util.HashMap<>();
        final java.util.Map<Long, Integer> identityHits = new java.util.HashMap<>();
        long appends;

        @Override
        public long append(long ref, Labels labels, long t, double v) {
            appends++;
            Labels own = stored.get(ref);
            if (own == labels) {
                identityHits.merge(ref, 1, Integer::sum);
                return ref;
            }
            Long r = refs.get(labels);
            if (r == null) {
                r = (long) refs.size() + 1;
                refs.put(labels, r);
                stored.put(r, labels.toBuilder().build()); // an equal, distinct instance
            }
            return r;
        }

        @Override
        public Labels storedLabels(long ref) {
            return stored.get(ref);
        }

        final java.util.Map<Long, ScrapeCacheTest.TestHandle> handles = new java.util.HashMap<>();

        @Override
        public dev.sextant.tsdb.storage.SeriesHandle handle(long ref) {
            return stored.containsKey(ref) ? handles.computeIfAbsent(ref, ScrapeCacheTest.TestHandle::new) : null;
        }

        @Override
        public void commit() {}

        @Override
        public void rollback() {}
    }

    @Test
    void cachedSeriesUseTheStoragesOwnLabels() {
        byte[] body = "a{x=\"1\"} 1\nb 2\n".getBytes(StandardCharsets.UTF_8);
        byte[] onlyA = "a{x=\"1\"} 1\n".getBytes(StandardCharsets.UTF_8);
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser p = new TextParser();
        StoringAppender app = new StoringAppender();
        assertThat(in.ingest(app, p, body, body.length, 1000)).isNull();
        in.report(app, 1000, true, 0.1, 10_000, body.length);
        for (int e = 0; e < cache.size(); e++) {
            assertThat(cache.labels(e)).isSameAs(app.storedLabels(cache.ref(e)));
        }
        app.identityHits.clear();
        assertThat(in.ingest(app, p, body, body.length, 2000)).isNull();
        in.report(app, 2000, true, 0.1, 10_000, body.length);
        // Every append of the second scrape (2 samples + 5 report series) carried the stored instance.
        assertThat(app.identityHits.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);
        // Stale markers go to the same series: b vanishes, its marker also hits by identity.
        app.identityHits.clear();
        assertThat(in.ingest(app, p, onlyA, onlyA.length, 3000)).isNull();
        assertThat(app.identityHits.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
        assertThat(app.refs).hasSize(2 + SampleIngester.BASIC_REPORTS);
    }
    @Test
    void reorderedAndChangedSeriesAreStillFoundWhenOrderHintsMiss() {
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser p = new TextParser();
        RecordingAppender app = new RecordingAppender();
        byte[] first = "a 1\nb{x=\"1\"} 2\nc 3\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(app, p, first, first.length, 1000)).isNull();
        assertThat(in.added).isEqualTo(3);
        app.log.clear();
        // Same order: every series comes from a hint. Then reversed, then one changed and one new.
        assertThat(in.ingest(app, p, first, first.length, 2000)).isNull();
        byte[] reversed = "c 30\nb{x=\"1\"} 20\na 10\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(app, p, reversed, reversed.length, 3000)).isNull();
        assertThat(in.added).isZero();
        byte[] changed = "a 100\nb{x=\"2\"} 200\nc 300\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(app, p, changed, changed.length, 4000)).isNull();
        assertThat(in.added).isEqualTo(1);
        assertThat(app.log).containsExactly(
                "{__name__=\"a\", job=\"j\"} 1.0 @2000", "{__name__=\"b\", job=\"j\", x=\"1\"} 2.0 @2000",
                "{__name__=\"c\", job=\"j\"} 3.0 @2000",
                "{__name__=\"c\", job=\"j\"} 30.0 @3000", "{__name__=\"b\", job=\"j\", x=\"1\"} 20.0 @3000",
                "{__name__=\"a\", job=\"j\"} 10.0 @3000",
                "{__name__=\"a\", job=\"j\"} 100.0 @4000", "{__name__=\"b\", job=\"j\", x=\"2\"} 200.0 @4000",
                "{__name__=\"c\", job=\"j\"} 300.0 @4000", "{__name__=\"b\", job=\"j\", x=\"1\"} stale @4000");
    }

    @Test
    void seriesAcceptedByTheTextLexerAreNotHintedToTheOpenMetricsLexer() {
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        // Blanks between name and label set: valid text format, invalid OpenMetrics.
        byte[] text = "a {x=\"1\"} 1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(new RecordingAppender(), new TextParser(), text, text.length, 1000)).isNull();
        assertThat(in.ingest(new RecordingAppender(), new TextParser(), text, text.length, 2000)).isNull();
        byte[] om = "a {x=\"1\"} 1\n# EOF\n".getBytes(StandardCharsets.UTF_8);
        assertThat(in.ingest(new RecordingAppender(), new dev.sextant.scrape.exposition.OpenMetricsParser(), om, om.length, 3000))
                .startsWith("line 1:");
    }
    @Test
    void looksAheadAtTheSeriesOfThePreviousOrderBeforeAppendingThem() {
        int n = 200;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("m{i=\"").append(i).append("\"} ").append(i).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        ScrapeCache cache = new ScrapeCache();
        SampleIngester in = new SampleIngester(cfg(), Labels.of("job", "j"), cache, 0);
        TextParser p = new TextParser();
        // Logs "L<ref>" for each handle prefetched and "A<ref>" for each append through a handle
        // issued for that ref; appends without one and ref look-ups (storedLabels) fail the test.
        List<String> calls = new ArrayList<>();
        boolean[] second = {false};
        StoringAppender app = new StoringAppender() {
            @Override
            public long append(dev.sextant.tsdb.storage.SeriesHandle handle, long ref, Labels labels, long t, double v) {
                if (second[0]) {
                    assertThat(handle).isEqualTo(new ScrapeCacheTest.TestHandle(ref));
                    calls.add("A" + ref);
                }
                return super.append(ref, labels, t, v);
            }

            @Override
            public Labels storedLabels(long ref) {
                assertThat(second[0]).as("ref look-up in a scrape of known series").isFalse();
                return super.storedLabels(ref);
            }

            @Override
            public void prefetch(dev.sextant.tsdb.storage.SeriesHandle[] hs, int from, int to) {
                for (int i = from; i < to; i++) {
                    if (hs[i] != null) {
                        calls.add("L" + ((ScrapeCacheTest.TestHandle) hs[i]).ref());
                    }
                }
            }
        };
        assertThat(in.ingest(app, p, body, body.length, 1000)).isNull();
        calls.clear();
        app.appends = 0;
        second[0] = true;
        assertThat(in.ingest(app, p, body, body.length, 2000)).isNull();
        assertThat(app.appends).isEqualTo(n);
        // Every series after the first was looked up before its append, and at most once.
        for (int e = 1; e < n; e++) {
            String ref = String.valueOf(cache.ref(e));
            int look = calls.indexOf("L" + ref);
            assertThat(look).as("look-ahead of entry %d", e).isNotNegative().isLessThan(calls.indexOf("A" + ref));
            assertThat(calls.lastIndexOf("L" + ref)).isEqualTo(look);
        }
        // ...but never far ahead of the appends: at most one batch beyond the series being appended.
        int appended = 0;
        int maxAhead = 0;
        java.util.Set<String> looked = new java.util.HashSet<>();
        for (String c : calls) {
            if (c.startsWith("A")) {
                appended++;
            } else {
                looked.add(c);
            }
            maxAhead = Math.max(maxAhead, looked.size() - appended);
        }
        assertThat(maxAhead).isLessThanOrEqualTo(SampleIngester.LOOK_AHEAD_BATCH);
    }
}
