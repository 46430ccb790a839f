package dev.sextant.scrape.loop;

import static dev.sextant.scrape.loop.Stored.await;
import static dev.sextant.scrape.loop.Stored.select;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** Response-body arrays shared by scrape loops: reuse, bounds, and no body read by the wrong target. */
class BodyBuffersTest {
    @Test
    void handsOutTheLastReturnedArrayAndKeepsAtMostItsCapacity() {
        BodyBuffers b = new BodyBuffers(2);
        byte[] fresh = b.take();
        assertThat(fresh).hasSize(BodyBuffers.INITIAL_BYTES);
        byte[] x = new byte[100];
        byte[] y = new byte[200];
        byte[] z = new byte[300];
        b.give(x);
        b.give(y);
        b.give(z); // over capacity: dropped
        b.give(null);
        b.give(new byte[BodyBuffers.MAX_POOLED_BYTES + 1]); // too large: dropped
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.take()).isSameAs(y);
        assertThat(b.take()).isSameAs(x);
        assertThat(b.take()).isNotSameAs(x).isNotSameAs(y).isNotSameAs(z).hasSize(BodyBuffers.INITIAL_BYTES);
    }

    /**
     * Two jobs whose loops share one small pool scrape a large plain body (past the first array's
     * size, so arrays grow and come back grown) and a gzip body (the inflated array is pooled too)
     * every 50 ms: every stored sample has its own target's value, so no scrape parsed an array that
     * another one was filling, and the pool holds (grown) arrays between scrapes, not one per loop.
     */
    @Test
    void loopsSharingArraysStoreOnlyTheirOwnTargetsSamples() throws Exception {
        FakeTargets targets = new FakeTargets();
        MemoryStorage storage = new MemoryStorage();
        NettyScrapeClient netty = new NettyScrapeClient(1);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        ExecutorService worker = Executors.newFixedThreadPool(2);
        // Three arrays are in use at most at once (a's body; g's body and its inflated copy), so with room
        // for three none is ever dropped and the big job's grown array is still pooled at the end.
        BodyBuffers shared = new BodyBuffers(3);
        ScrapePool a = null;
        ScrapePool g = null;
        try {
            StringBuilder big = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                big.append("big_metric_with_a_long_name{series=\"").append(i).append("\",pad=\"xxxxxxxxxxxxxxxx\"} ").append(i).append('\n');
            }
            assertThat(big.length()).isGreaterThan(2 * BodyBuffers.INITIAL_BYTES);
            StringBuilder small = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                small.append("zipped{series=\"").append(i).append("\"} ").append(-i).append('\n');
            }
            targets.set("/a", FakeTargets.text(big.toString()));
            targets.set("/g", FakeTargets.gzipText(small.toString()));
            a = new ScrapePool(config(targets, "a", "/a"), storage, Clock.systemUTC(), scheduler, worker, netty, 0, shared);
            g = new ScrapePool(config(targets, "g", "/g"), storage, Clock.systemUTC(), scheduler, worker, netty, 0, shared);
            List<TargetGroup> groups = List.of(new TargetGroup("t", List.of(Labels.of("__address__", targets.address())), Labels.EMPTY));
            a.sync(groups);
            g.sync(groups);
            // A scrape of the test server may time out now and then (50 ms); only successful ones count.
            await("5 successful scrapes of each job", () -> ups(storage, "a") >= 5 && ups(storage, "g") >= 5);
            // Arrays come back grown, and the pool holds arrays between scrapes. Looked at while the
            // loops run, until it holds: stop() does not wait for a scrape in flight, and one that is
            // abandoned drops its array, so after stopping the big job's grown array may be gone or
            // not back yet. The arrays taken to look are given back (they are interchangeable).
            await("a grown array in the pool", () -> {
                int n = shared.size();
                byte[][] held = new byte[n][];
                int largest = 0;
                for (int i = 0; i < n; i++) {
                    held[i] = shared.take();
                    largest = Math.max(largest, held[i].length);
                }
                for (byte[] h : held) {
                    shared.give(h);
                }
                return n >= 1 && largest > BodyBuffers.INITIAL_BYTES;
            });
            assertThat(shared.size()).isLessThanOrEqualTo(3);
            a.stop(false);
            g.stop(false);
            a = null;
            g = null;
            Map<Labels, List<double[]>> bigSeries = select(storage, Matcher.equal("__name__", "big_metric_with_a_long_name"));
            Map<Labels, List<double[]>> zipped = select(storage, Matcher.equal("__name__", "zipped"));
            assertThat(bigSeries).hasSize(3000);
            assertThat(zipped).hasSize(500);
            int checked = 0;
            // A scrape that timed out (50 ms) writes stale markers for its target's series: those are
            // no value of any target's, so they are skipped; every other sample must be its own.
            for (Map.Entry<Labels, List<double[]>> e : bigSeries.entrySet()) {
                double want = Double.parseDouble(e.getKey().get("series"));
                for (double[] s : e.getValue()) {
                    if (!StaleNaN.isStale(s[1])) {
                        assertThat(s[1]).as("%s", e.getKey()).isEqualTo(want);
                        checked++;
                    }
                }
            }
            for (Map.Entry<Labels, List<double[]>> e : zipped.entrySet()) {
                double want = -Double.parseDouble(e.getKey().get("series"));
                for (double[] s : e.getValue()) {
                    if (!StaleNaN.isStale(s[1])) {
                        assertThat(s[1]).as("%s", e.getKey()).isEqualTo(want);
                        checked++;
                    }
                }
            }
            assertThat(checked).isGreaterThanOrEqualTo(5 * 3500);
        } finally {
            if (a != null) {
                a.stop(false);
            }
            if (g != null) {
                g.stop(false);
            }
            scheduler.shutdownNow();
            worker.shutdownNow();
            netty.close();
            targets.close();
        }
    }

    private static long ups(MemoryStorage storage, String job) {
        return Stored.samples(storage, "up", "job", job).stream().filter(s -> s[1] == 1.0).count();
    }

    private static ScrapeConfig config(FakeTargets targets, String job, String path) {
        return ScrapeConfigFile.parse("test.yml", "scrape_configs:\n  - job_name: " + job + "\n    scrape_interval: 50ms\n"
                + "    metrics_path: " + path + "\n    static_configs:\n      - targets: ['" + targets.address() + "']\n")
                .scrapeConfigs().get(0);
    }
}
