package dev.sextant.scrape.loop;

import static dev.sextant.scrape.loop.Stored.await;
import static dev.sextant.scrape.loop.Stored.lastValue;
import static dev.sextant.scrape.loop.Stored.samples;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScrapeManagerTest {
    static final String GOOD = """
            # HELP requests_total Requests.
            # TYPE requests_total counter
            requests_total{code="200"} 10
            requests_total{code="500"} 1
            # TYPE temp gauge
            temp 21.5
            """;

    FakeTargets targets;
    MemoryStorage storage;
    ScrapeManager manager;

    @BeforeEach
    void setUp() throws Exception {
        targets = new FakeTargets();
        storage = new MemoryStorage();
        manager = new ScrapeManager(storage, Clock.systemUTC(), new ScrapeManager.Options(10, 2, 0));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        targets.close();
    }

    String job(String name, String path, String extra) {
        return "  - job_name: " + name + "\n    scrape_interval: 400ms\n    scrape_timeout: 350ms\n    metrics_path: " + path + "\n"
                + extra + "    static_configs:\n      - targets: ['" + targets.address() + "']\n        labels: {env: test}\n";
    }

    void apply(String... jobs) {
        manager.applyConfig(ScrapeConfigFile.parse("test.yml", "scrape_configs:\n" + String.join("", jobs)));
    }

    Optional<ActiveTarget> target(String job) {
        return manager.targets().activeTargets().stream().filter(t -> t.scrapePool().equals(job)).findFirst();
    }

    void awaitScrapes(String job, int n) throws InterruptedException {
        await(n + " scrapes of " + job, () -> samples(storage, "up", "job", job).size() >= n);
    }

    /**
     * Waits until the job's last {@code n} scrapes succeeded. The tests' scrape timeout is 350 ms: on a
     * loaded machine a scrape now and then times out (up=0, stale markers), which only delays this.
     */
    void awaitSuccessfulScrapes(String job, int n) throws InterruptedException {
        await(n + " successful scrapes in a row of " + job, () -> {
            List<double[]> up = samples(storage, "up", "job", job);
            if (up.size() < n) {
                return false;
            }
            for (int i = up.size() - n; i < up.size(); i++) {
                if (up.get(i)[1] != 1) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until the job's target reports an error that satisfies {@code ok} (a timeout now and then only delays it). */
    void awaitError(String job, java.util.function.Predicate<String> ok) throws InterruptedException {
        try {
            await("the expected error of " + job, () -> target(job).map(t -> ok.test(t.lastError())).orElse(false));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last error: " + target(job).map(ActiveTarget::lastError).orElse("(no target)"), e);
        }
    }

    /** The value of a report series at the timestamp of the job's first successful scrape. */
    double atFirstSuccess(String name, String job) {
        for (double[] up : samples(storage, "up", "job", job)) {
            if (up[1] == 1) {
                for (double[] s : samples(storage, name, "job", job)) {
                    if (s[0] == up[0]) {
                        return s[1];
                    }
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void scrapesSamplesWithTargetLabelsAndReportSeries() throws Exception {
        targets.set("/good", FakeTargets.text(GOOD));
        apply(job("good", "/good", ""));
        awaitSuccessfulScrapes("good", 2);
        assertThat(target("good").orElseThrow().lastError()).isEmpty();
        String inst = targets.address();
        assertThat(lastValue(storage, "requests_total", "code", "200", "job", "good", "instance", inst, "env", "test")).isEqualTo(10);
        assertThat(lastValue(storage, "temp", "job", "good")).isEqualTo(21.5);
        assertThat(lastValue(storage, "up", "job", "good", "instance", inst, "env", "test")).isEqualTo(1);
        assertThat(lastValue(storage, "scrape_samples_scraped", "job", "good")).isEqualTo(3);
        assertThat(lastValue(storage, "scrape_samples_post_metric_relabeling", "job", "good")).isEqualTo(3);
        assertThat(lastValue(storage, "scrape_series_added", "job", "good")).isEqualTo(0); // second scrape: all cached
        assertThat(atFirstSuccess("scrape_series_added", "good")).isEqualTo(3);
        assertThat(lastValue(storage, "scrape_duration_seconds", "job", "good")).isBetween(0.0, 1.0);
        assertThat(samples(storage, "scrape_timeout_seconds", "job", "good")).as("extra_scrape_metrics is off by default").isEmpty();
        assertThat(targets.lastAccept.get("/good")).isEqualTo("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
        assertThat(targets.lastTimeoutHeader.get("/good")).isEqualTo("0.35");

        ActiveTarget t = target("good").orElseThrow();
        assertThat(t.health()).isEqualTo("up");
        assertThat(t.lastError()).isEmpty();
        assertThat(t.scrapeUrl()).isEqualTo("http://" + inst + "/good");
        assertThat(t.labels()).isEqualTo(Map.of("env", "test", "instance", inst, "job", "good"));
        assertThat(t.discoveredLabels()).containsEntry("__address__", inst).containsEntry("__metrics_path__", "/good")
                .containsEntry("__scrape_interval__", "400ms").containsEntry("job", "good");
        assertThat(t.scrapeInterval()).isEqualTo("400ms");
        assertThat(t.scrapeTimeout()).isEqualTo("350ms");
        assertThat(t.lastScrape()).isNotNull();

        assertThat(manager.targetMetadata()).contains(
                new TargetMetadata(t.labels(), "requests_total", "counter", "Requests.", ""),
                new TargetMetadata(t.labels(), "temp", "gauge", "", ""));
    }

    /**
     * The JDK client completes responses on the CompletableFuture default executor; with a common
     * pool of parallelism 1 that started a thread per scrape. Surefire runs with parallelism 2, as
     * the server does (Main sets it): scrapes must then reuse threads.
     */
    @Test
    void scrapesDoNotStartAThreadEach() throws Exception {
        assertThat(java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()).isGreaterThanOrEqualTo(2);
        targets.set("/t", FakeTargets.text("t 1\n"));
        apply(job("t", "/t", ""));
        awaitScrapes("t", 2);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long threadsBefore = mx.getTotalStartedThreadCount();
        int scrapesBefore = samples(storage, "up", "job", "t").size();
        awaitScrapes("t", scrapesBefore + 10);
        long started = mx.getTotalStartedThreadCount() - threadsBefore;
        assertThat(started).as("threads started during 10 scrapes").isLessThan(5);
    }

    @Test
    void aRefusedConnectionReadsLikePrometheusError() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        manager.applyConfig(ScrapeConfigFile.parse("test.yml", "scrape_configs:\n  - job_name: refused\n"
                + "    scrape_interval: 400ms\n    scrape_timeout: 350ms\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + port + "']\n"));
        awaitScrapes("refused", 1);
        String refused = "Get \"http://127.0.0.1:" + port + "/metrics\": dial tcp 127.0.0.1:" + port + ": connect: connection refused";
        // Waited for, as a scrape on a loaded machine may also end in the 350 ms timeout.
        awaitError("refused", refused::equals);
        assertThat(target("refused").orElseThrow().lastError()).isEqualTo(refused);
        assertThat(lastValue(storage, "up", "job", "refused")).isEqualTo(0);
    }

    @Test
    void gzipAndOpenMetricsAreDecoded() throws Exception {
        targets.set("/gz", FakeTargets.gzipText("gz_metric 7\n"));
        targets.set("/om", FakeTargets.openMetrics("# TYPE om_total counter\nom_total 3 # {trace_id=\"a\"} 1\n# EOF\n"));
        apply(job("gz", "/gz", ""), job("om", "/om", ""));
        // A scrape that times out on a loaded machine stores only up=0 (and later stale markers),
        // so wait for the metric itself and check its first value.
        await("gz_metric scraped", () -> !samples(storage, "gz_metric", "job", "gz").isEmpty());
        await("om_total scraped", () -> !samples(storage, "om_total", "job", "om").isEmpty());
        assertThat(samples(storage, "gz_metric", "job", "gz").get(0)[1]).isEqualTo(7);
        assertThat(samples(storage, "om_total", "job", "om").get(0)[1]).isEqualTo(3);
    }

    @Test
    void brokenTargetsFailCleanlyWithReasonAndDoNotAffectOthers() throws Exception {
        targets.set("/good", FakeTargets.text(GOOD));
        targets.set("/garbage", FakeTargets.text("ok_metric 1\nthis is { not valid\n"));
        targets.set("/hang", FakeTargets.hang(2_000));
        targets.set("/500", FakeTargets.status(500));
        targets.set("/huge", FakeTargets.huge(50L << 20));
        targets.set("/limit", FakeTargets.text("a 1\nb 2\nc 3\n"));
        targets.set("/nocontenttype", ex -> FakeTargets.send(ex, 200, "application/x-unknown", "a 1\n".getBytes(), false));
        apply(job("good", "/good", ""), job("garbage", "/garbage", ""), job("hang", "/hang", ""),
                job("e500", "/500", ""), job("huge", "/huge", "    body_size_limit: 1MB\n"),
                job("limit", "/limit", "    sample_limit: 2\n"), job("ct", "/nocontenttype", ""));
        for (String j : List.of("good", "garbage", "hang", "e500", "huge", "limit", "ct")) {
            awaitScrapes(j, 2);
        }
        // Each target's own failure: wait for it, as any scrape may also time out on a loaded machine.
        awaitError("garbage", e -> e.startsWith("line 2:"));
        awaitError("e500", e -> e.equals("server returned HTTP status 500 Internal Server Error"));
        awaitError("huge", e -> e.startsWith("body size limit exceeded"));
        awaitError("limit", e -> e.startsWith("sample limit exceeded"));
        awaitError("ct", e -> e.contains("unsupported Content-Type \"application/x-unknown\""));
        awaitSuccessfulScrapes("good", 1);
        assertThat(lastValue(storage, "up", "job", "good")).isEqualTo(1);
        Map<String, String> errors = new java.util.HashMap<>();
        for (ActiveTarget t : manager.targets().activeTargets()) {
            errors.put(t.scrapePool(), t.lastError());
            if (!t.scrapePool().equals("good")) {
                assertThat(t.health()).as(t.scrapePool()).isEqualTo("down");
                assertThat(lastValue(storage, "up", "job", t.scrapePool())).as(t.scrapePool()).isEqualTo(0);
            }
        }
        assertThat(errors.get("good")).isEmpty();
        assertThat(errors.get("hang")).contains("timed out after 350ms");
        assertThat(errors).containsOnlyKeys("good", "garbage", "hang", "e500", "huge", "limit", "ct");
        // Failed scrapes ingest nothing: not the valid first line of the garbage target, nothing over the limit.
        assertThat(samples(storage, "ok_metric")).isEmpty();
        assertThat(samples(storage, "a", "job", "limit")).isEmpty();
        assertThat(samples(storage, "big_metric_with_a_long_name")).isEmpty();
    }

    @Test
    void vanishedSeriesAndVanishedTargetsGetStaleMarkers() throws Exception {
        targets.set("/s", FakeTargets.text("keep 1\ngoes 2\n"));
        apply(job("s", "/s", ""));
        await("goes scraped", () -> !samples(storage, "goes").isEmpty());
        targets.set("/s", FakeTargets.text("keep 1\n"));
        // A scrape that times out marks keep stale too: wait for a successful one.
        await("goes stale and keep scraped", () -> StaleNaN.isStale(lastValue(storage, "goes")) && lastValue(storage, "keep") == 1);
        // The stale marker is written once, not on every later scrape.
        int n = samples(storage, "goes").size();
        awaitScrapes("s", samples(storage, "up", "job", "s").size() + 2);
        assertThat(samples(storage, "goes")).hasSize(n);

        apply(); // the target (and its job) disappears
        await("keep stale", () -> StaleNaN.isStale(lastValue(storage, "keep")));
        assertThat(StaleNaN.isStale(lastValue(storage, "up", "job", "s"))).isTrue();
        assertThat(StaleNaN.isStale(lastValue(storage, "scrape_duration_seconds", "job", "s"))).isTrue();
        assertThat(manager.targets().activeTargets()).isEmpty();
    }

    @Test
    void failedScrapeMarksPreviousSeriesStale() throws Exception {
        targets.set("/f", FakeTargets.text("m 1\n"));
        apply(job("f", "/f", ""));
        await("m scraped", () -> !samples(storage, "m").isEmpty());
        targets.set("/f", FakeTargets.status(503));
        await("m stale", () -> StaleNaN.isStale(lastValue(storage, "m")));
        assertThat(lastValue(storage, "up", "job", "f")).isEqualTo(0);
        targets.set("/f", FakeTargets.text("m 2\n"));
        await("m back", () -> lastValue(storage, "m") == 2);
    }

    @Test
    void labelHandlingHonorLabelsExportedAndMetricRelabeling() throws Exception {
        String body = "x{job=\"exposed\",instance=\"i\",keep=\"1\"} 1\ndropme 2\n";
        targets.set("/l", FakeTargets.text(body));
        apply(job("plain", "/l", """
                    metric_relabel_configs:
                      - source_labels: [__name__]
                        regex: dropme
                        action: drop
                """), job("honor", "/l", "    honor_labels: true\n"));
        awaitSuccessfulScrapes("plain", 1);
        awaitSuccessfulScrapes("honor", 1);
        String inst = targets.address();
        Map<Labels, List<double[]>> plain = Stored.select(storage, Matcher.equal("__name__", "x"), Matcher.equal("job", "plain"));
        assertThat(plain.keySet()).containsExactly(Labels.of("__name__", "x", "job", "plain", "instance", inst, "env", "test",
                "exported_job", "exposed", "exported_instance", "i", "keep", "1"));
        Map<Labels, List<double[]>> honor = Stored.select(storage, Matcher.equal("__name__", "x"), Matcher.equal("job", "exposed"));
        assertThat(honor.keySet()).containsExactly(Labels.of("__name__", "x", "job", "exposed", "instance", "i", "env", "test", "keep", "1"));
        assertThat(samples(storage, "dropme", "job", "plain")).isEmpty();
        assertThat(samples(storage, "dropme", "job", "honor")).isNotEmpty();
        assertThat(lastValue(storage, "scrape_samples_scraped", "job", "plain")).isEqualTo(2);
        assertThat(lastValue(storage, "scrape_samples_post_metric_relabeling", "job", "plain")).isEqualTo(1);
    }

    @Test
    void labelLimitsFailTheScrape() throws Exception {
        targets.set("/ll", FakeTargets.text("m{a=\"1\",b=\"2\",c=\"3\"} 1\n"));
        targets.set("/lv", FakeTargets.text("m{a=\"a-very-long-value\"} 1\n"));
        targets.set("/ln", FakeTargets.text("m{a_very_long_label_name=\"v\"} 1\n"));
        apply(job("ll", "/ll", "    label_limit: 4\n"), job("lv", "/lv", "    label_value_length_limit: 5\n"),
                job("ln", "/ln", "    label_name_length_limit: 10\n"));
        awaitScrapes("ll", 2);
        awaitScrapes("lv", 2);
        awaitScrapes("ln", 2);
        awaitError("ll", e -> e.startsWith("label_limit exceeded"));
        awaitError("lv", e -> e.startsWith("label_value_length_limit exceeded"));
        awaitError("ln", e -> e.startsWith("label_name_length_limit exceeded"));
        assertThat(target("ll").orElseThrow().lastError()).startsWith("label_limit exceeded (metric: m, number of labels: 7, limit: 4)");
        assertThat(target("lv").orElseThrow().lastError()).startsWith("label_value_length_limit exceeded");
        assertThat(target("ln").orElseThrow().lastError()).startsWith(
                "label_name_length_limit exceeded (metric: m, label name: a_very_long_label_name, length: 22, limit: 10)");
        assertThat(samples(storage, "m")).isEmpty();
    }

    @Test
    void reloadKeepsUnchangedLoopsAndRestartsChangedOnesWithoutStaleness() throws Exception {
        targets.set("/a", FakeTargets.text("a_metric 1\n"));
        targets.set("/b", FakeTargets.text("b_metric 1\n"));
        apply(job("a", "/a", ""), job("b", "/b", ""));
        awaitScrapes("a", 2);
        awaitScrapes("b", 2);
        java.time.Instant before = target("a").orElseThrow().lastScrape();
        apply(job("a", "/a", ""), job("b", "/b", "    sample_limit: 100\n"));
        awaitScrapes("b", samples(storage, "up", "job", "b").size() + 3);
        // Unchanged job a kept scraping all along; changed job b kept its data with no stale marker
        // from the reload. A scrape that timed out on a loaded machine writes stale markers at its
        // own timestamp (up=0 there): those are the only ones allowed.
        assertThat(target("a").orElseThrow().lastScrape()).isAfter(before);
        for (String j : List.of("a", "b")) {
            java.util.Set<Double> failedAt = new java.util.HashSet<>();
            for (double[] up : samples(storage, "up", "job", j)) {
                if (up[1] == 0) {
                    failedAt.add(up[0]);
                }
            }
            for (double[] s : samples(storage, j + "_metric")) {
                if (StaleNaN.isStale(s[1])) {
                    assertThat(failedAt).as("a stale marker of %s at %d, not a failed scrape's time", j, (long) s[0]).contains(s[0]);
                }
            }
        }
    }

    @Test
    void authorizationAndCustomHeadersAreSent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path token = dir.resolve("token");
        java.nio.file.Files.writeString(token, "s3cret\n");
        targets.set("/auth", FakeTargets.text("x 1\n"));
        targets.set("/basic", FakeTargets.text("x 1\n"));
        apply(job("auth", "/auth", "    authorization:\n      credentials_file: " + token + "\n"
                        + "    http_headers:\n      X-Tenant:\n        values: [a, b]\n"),
                job("basic", "/basic", "    basic_auth: {username: u, password: p}\n"));
        awaitScrapes("auth", 1);
        awaitScrapes("basic", 1);
        assertThat(targets.lastAuthorization.get("/auth")).isEqualTo("Bearer s3cret");
        assertThat(targets.lastCustomHeader.get("/auth")).isEqualTo("[a, b]");
        assertThat(targets.lastAuthorization.get("/basic")).isEqualTo("Basic dTpw");
        // The token file is re-read on every scrape, so a rotated secret is picked up.
        java.nio.file.Files.writeString(token, "rotated");
        await("rotated token", () -> "Bearer rotated".equals(targets.lastAuthorization.get("/auth")));
    }

    @Test
    void honorTimestampsControlsSampleTime() throws Exception {
        targets.set("/ts", FakeTargets.text("with_ts 1 1000\n"));
        apply(job("honored", "/ts", ""), job("ignored", "/ts", "    honor_timestamps: false\n"));
        await("honored scraped", () -> !samples(storage, "with_ts", "job", "honored").isEmpty());
        await("ignored scraped", () -> !samples(storage, "with_ts", "job", "ignored").isEmpty());
        assertThat(samples(storage, "with_ts", "job", "honored").get(0)[0]).isEqualTo(1000);
        assertThat(samples(storage, "with_ts", "job", "ignored").get(0)[0]).isGreaterThan(1_000_000);
    }

    static boolean hasValue(List<double[]> samples, double v) {
        for (double[] s : samples) {
            if (s[1] == v) {
                return true;
            }
        }
        return false;
    }

    @Test
    void extraScrapeMetrics() throws Exception {
        targets.set("/x", FakeTargets.text("a 1\n"));
        targets.set("/big", FakeTargets.huge(4L << 20));
        manager.applyConfig(ScrapeConfigFile.parse("test.yml", "global:\n  extra_scrape_metrics: true\nscrape_configs:\n"
                + job("x", "/x", "    sample_limit: 9\n") + job("big", "/big", "    body_size_limit: 1MB\n")));
        // Wait for a completed scrape of each (one that times out on a loaded machine reports no
        // body size), then check what it reported; the per-config values are the same on every scrape.
        await("x scraped with its body size", () -> hasValue(samples(storage, "scrape_body_size_bytes", "job", "x"), 4));
        await("big refused for its size", () -> hasValue(samples(storage, "scrape_body_size_bytes", "job", "big"), -1));
        assertThat(samples(storage, "scrape_timeout_seconds", "job", "x").get(0)[1]).isEqualTo(0.35);
        assertThat(samples(storage, "scrape_sample_limit", "job", "x").get(0)[1]).isEqualTo(9);
        assertThat(samples(storage, "scrape_body_size_bytes", "job", "x")).allSatisfy(
                s -> assertThat(s[1]).as("body size of a scrape of x: 4 bytes, or 0 when it timed out").isIn(4.0, 0.0));
    }

    @Test
    void proxyUrlAndNoProxy() throws Exception {
        // The fake target server plays the proxy: the JDK client sends it the absolute URL.
        targets.set("/metrics", FakeTargets.text("via_proxy 1\n"));
        String proxy = "http://" + targets.address();
        apply("""
                  - job_name: proxied
                    scrape_interval: 400ms
                    scrape_timeout: 350ms
                    proxy_url: %1$s
                    static_configs: [{targets: ['target.invalid:9100']}]
                  - job_name: excluded
                    scrape_interval: 400ms
                    scrape_timeout: 350ms
                    proxy_url: %1$s
                    no_proxy: example.invalid,.invalid
                    static_configs: [{targets: ['target.invalid:9100']}]
                """.formatted(proxy));
        awaitSuccessfulScrapes("proxied", 1);
        awaitScrapes("excluded", 1);
        assertThat(target("proxied").orElseThrow().lastError()).isEmpty();
        assertThat(lastValue(storage, "via_proxy", "job", "proxied")).isEqualTo(1);
        assertThat(target("excluded").orElseThrow().health()).isEqualTo("down");
    }

    @Test
    void droppedTargetsAreReported() throws Exception {
        apply("""
                  - job_name: d
                    scrape_interval: 1h # not scraped during the test: health stays unknown
                    relabel_configs:
                      - source_labels: [__address__]
                        regex: 'drop.*'
                        action: drop
                    static_configs:
                      - targets: ['drop-me:1', 'keep-me:2']
                """);
        await("targets", () -> manager.targets().activeTargets().size() == 1);
        TargetsView v = manager.targets();
        assertThat(v.droppedTargets()).extracting(DroppedTarget::discoveredLabels)
                .extracting(m -> m.get("__address__")).containsExactly("drop-me:1");
        assertThat(v.droppedTargetCounts()).containsEntry("d", 1);
        assertThat(v.activeTargets().get(0).health()).isEqualTo("unknown");
    }

    @Test
    void targetLimitFailsAllTargetsOfTheJob() throws Exception {
        apply("""
                  - job_name: tl
                    target_limit: 1
                    static_configs:
                      - targets: ['a:1', 'b:2']
                """);
        await("targets", () -> manager.targets().activeTargets().size() == 2);
        for (ActiveTarget t : manager.targets().activeTargets()) {
            assertThat(t.health()).isEqualTo("down");
            assertThat(t.lastError()).isEqualTo("target_limit exceeded (number of targets: 2, limit: 1)");
        }
    }

    @Test
    void startOffsetIsStableAndWithinInterval() {
        long h = new Target(Labels.EMPTY, Labels.of("a", "b"), Labels.of("a", "b"), "http://x/metrics", 15_000, 10_000).hash();
        long o1 = ScrapeLoop.offsetMs(1_000_000, 15_000, h, 0);
        long o2 = ScrapeLoop.offsetMs(1_000_000 + 15_000, 15_000, h, 0);
        assertThat(o1).isBetween(0L, 14_999L).isEqualTo(o2);
        // The phase (now + offset) mod interval is the same whenever the loop starts.
        assertThat(Math.floorMod(1_000_000 + o1, 15_000)).isEqualTo(Math.floorMod(1_003_333 + ScrapeLoop.offsetMs(1_003_333, 15_000, h, 0), 15_000));
        long other = new Target(Labels.EMPTY, Labels.of("a", "c"), Labels.of("a", "c"), "http://y/metrics", 15_000, 10_000).hash();
        assertThat(ScrapeLoop.offsetMs(1_000_000, 15_000, other, 0)).isNotEqualTo(o1);
    }
}
