package dev.sextant.api.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import dev.sextant.tsdb.head.Head;
import dev.sextant.tsdb.head.HeadOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * The 1.0 receiver over a real head: series found through the receiver's ref cache get exactly
 * their own samples (repeat requests, other label orders, unicode, labels with empty values), and
 * what the cache must never match (empty names, duplicates) is still skipped.
 */
class RemoteWriteReceiverTest {
    static Types.TimeSeries series(String[] nameValues, long t, double v) {
        Types.TimeSeries.Builder ts = Types.TimeSeries.newBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            ts.addLabels(Types.Label.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]));
        }
        return ts.addSamples(Types.Sample.newBuilder().setTimestamp(t).setValue(v)).build();
    }

    static ApiResponse post(RemoteWriteHandler h, Types.TimeSeries... series) throws Exception {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (Types.TimeSeries ts : series) {
            req.addTimeseries(ts);
        }
        byte[] body = Snappy.compress(req.build().toByteArray());
        return h.handle(new ApiRequest("POST", "/api/v1/write", Map.of(),
                Map.of("content-type", "application/x-protobuf", "content-encoding", "snappy"), body));
    }

    static List<String> dump(Head head) throws Exception {
        List<String> out = new ArrayList<>();
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.regex("__name__", ".+"));
            while (ss.next()) {
                Series s = ss.at();
                SampleIterator it = s.iterator(null);
                StringBuilder sb = new StringBuilder(s.labels().toString());
                while (it.next()) {
                    sb.append(' ').append(it.atT()).append('=').append(it.atV());
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    @Test
    void repeatedSeriesGoThroughTheCacheAndKeepTheirOwnSamples() throws Exception {
        try (Head head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE)) {
            RemoteWriteHandler h = new RemoteWriteHandler(head, RemoteWriteHandler.Listener.NONE);
            String[] a = {"__name__", "m", "job", "a", "zone", "ünï"};
            String[] b = {"__name__", "m", "job", "b", "zone", "ünï"};
            String[] aWithEmpty = {"__name__", "m", "empty", "", "job", "a", "zone", "ünï"};
            String[] aReordered = {"job", "a", "__name__", "m", "zone", "ünï"};
            for (int round = 0; round < 3; round++) {
                long t = 1000L * (round * 4 + 1);
                assertThat(post(h, series(a, t, round), series(b, t, 10 + round)).status()).isEqualTo(204);
                assertThat(post(h, series(aWithEmpty, t + 1000, 100 + round)).status()).isEqualTo(204);
                assertThat(post(h, series(aReordered, t + 2000, 200 + round)).status()).isEqualTo(204);
            }
            assertThat(head.numSeries()).isEqualTo(2);
            assertThat(dump(head)).containsExactly(
                    "{__name__=\"m\", job=\"a\", zone=\"ünï\"} 1000=0.0 2000=100.0 3000=200.0 5000=1.0 6000=101.0 7000=201.0"
                            + " 9000=2.0 10000=102.0 11000=202.0",
                    "{__name__=\"m\", job=\"b\", zone=\"ünï\"} 1000=10.0 5000=11.0 9000=12.0");
        }
    }

    @Test
    void seriesTheSlowPathRejectsAreNeverMatchedFromTheCache() throws Exception {
        try (Head head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE)) {
            RemoteWriteHandler h = new RemoteWriteHandler(head, RemoteWriteHandler.Listener.NONE);
            assertThat(post(h, series(new String[] {"__name__", "ok", "a", "1"}, 1000, 1)).status()).isEqualTo(204);
            // Same pairs plus an empty name with an empty value, or a duplicate name: skipped, not stored.
            assertThat(post(h, series(new String[] {"__name__", "ok", "a", "1", "", ""}, 2000, 2),
                    series(new String[] {"__name__", "ok", "a", "1", "a", "1"}, 2000, 3),
                    series(new String[] {"a", "1"}, 2000, 4)).status()).isEqualTo(204);
            assertThat(dump(head)).containsExactly("{__name__=\"ok\", a=\"1\"} 1000=1.0");
        }
    }

    /**
     * A cached series that head truncation collected (its ref is gone) is written again: the
     * receiver's liveness pass and the append resolve it by labels to a new series, with only the
     * new samples, and a live cached series in the same request is unaffected.
     */
    @Test
    void aCachedSeriesCollectedByTruncationIsCreatedAgain() throws Exception {
        try (Head head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE)) {
            RemoteWriteHandler h = new RemoteWriteHandler(head, RemoteWriteHandler.Listener.NONE);
            String[] old = {"__name__", "old"};
            String[] live = {"__name__", "live"};
            long hour = 3_600_000L;
            assertThat(post(h, series(old, 1000, 1), series(live, 1000, 1)).status()).isEqualTo(204);
            assertThat(post(h, series(live, 3 * hour, 2)).status()).isEqualTo(204);
            head.truncate(2 * hour); // "old" has nothing left: collected; "live" keeps its newer chunk
            assertThat(head.numSeries()).isEqualTo(1);
            assertThat(post(h, series(old, 3 * hour + 1000, 5), series(live, 3 * hour + 1000, 3)).status())
                    .isEqualTo(204);
            assertThat(post(h, series(old, 3 * hour + 2000, 6)).status()).isEqualTo(204);
            assertThat(head.numSeries()).isEqualTo(2);
            assertThat(dump(head)).containsExactly(
                    "{__name__=\"live\"} 10800000=2.0 10801000=3.0",
                    "{__name__=\"old\"} 10801000=5.0 10802000=6.0");
        }
    }

    @Test
    void anOutOfOrderSampleRejectsTheWholeBatchAfterCacheHits() throws Exception {
        try (Head head = Head.open(null, HeadOptions.defaults(), Long.MIN_VALUE)) {
            RemoteWriteHandler h = new RemoteWriteHandler(head, RemoteWriteHandler.Listener.NONE);
            String[] a = {"__name__", "a"};
            String[] b = {"__name__", "b"};
            assertThat(post(h, series(a, 5000, 1), series(b, 5000, 1)).status()).isEqualTo(204);
            ApiResponse r = post(h, series(b, 6000, 2), series(a, 4000, 2));
            assertThat(r.status()).isEqualTo(400);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("out of order sample");
            assertThat(dump(head)).containsExactly("{__name__=\"a\"} 5000=1.0", "{__name__=\"b\"} 5000=1.0");
        }
    }

    @Test
    void cacheMatchesOnlyTheExactLabels() {
        Labels cached = Labels.of("__name__", "m", "zone", "ünï");
        byte[] buf = "__name__mzoneünïzoneüni".getBytes(StandardCharsets.UTF_8);
        int zoneAt = 9;
        int valueAt = 13;
        int valueLen = "ünï".getBytes(StandardCharsets.UTF_8).length;
        int[] lab = {0, 8, 8, 1, zoneAt, 4, valueAt, valueLen};
        assertThat(SeriesRefCache.matches(buf, lab, 0, 2, cached)).isTrue();
        int otherAt = valueAt + valueLen + 4;
        int[] other = {0, 8, 8, 1, zoneAt, 4, otherAt, buf.length - otherAt};
        assertThat(SeriesRefCache.matches(buf, other, 0, 2, cached)).isFalse();
        assertThat(SeriesRefCache.matches(buf, lab, 0, 1, cached)).isFalse();
        assertThat(SeriesRefCache.hash(buf, lab, 0, 2)).isNotEqualTo(SeriesRefCache.hash(buf, other, 0, 2));
    }

    @Test
    void sweepsDropSeriesTheStorageNoLongerHolds() {
        SeriesRefCache c = new SeriesRefCache(1 << 24);
        Labels l = Labels.of("__name__", "x");
        // Only even refs are alive; after enough inserts the stripes have swept the odd ones.
        for (long ref = 1; ref <= 200_000; ref++) {
            c.put(ref * 0x9E3779B97F4A7C15L | 1, ref, l, r -> r % 2 == 0 ? l : null);
        }
        assertThat(c.size()).isLessThan(150_000);
        SeriesRefCache.Hit hit = new SeriesRefCache.Hit();
        assertThat(c.get(200_000L * 0x9E3779B97F4A7C15L | 1, hit)).isTrue(); // the newest stays
        // An entry whose labels the storage reports as another instance is dropped too.
        SeriesRefCache d = new SeriesRefCache(1 << 24);
        for (long ref = 1; ref <= 50_000; ref++) {
            d.put(ref * 0x9E3779B97F4A7C15L | 1, ref, l, r -> Labels.of("__name__", "x"));
        }
        assertThat(d.size()).isLessThan(50_000);
    }

    @Test
    void cacheStaysBounded() {
        SeriesRefCache c = new SeriesRefCache(1024);
        Labels l = Labels.of("__name__", "x");
        for (long h = 1; h <= 100_000; h++) {
            c.put(h * 0x9E3779B97F4A7C15L | 1, h, l, ref -> l);
        }
        assertThat(c.size()).isLessThanOrEqualTo(1024);
        SeriesRefCache.Hit hit = new SeriesRefCache.Hit();
        long last = 100_000L * 0x9E3779B97F4A7C15L | 1;
        assertThat(c.get(last, hit)).isTrue();
        assertThat(hit.ref).isEqualTo(100_000L);
    }
}
