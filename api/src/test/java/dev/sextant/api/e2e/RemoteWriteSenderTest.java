package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sextant's remote-write sender against an in-process receiver: samples ingested into Sextant (here
 * through its own remote-write receiver, which writes the WAL like a scrape) are read from the WAL
 * and sent on, with external labels and write relabeling; 5xx is retried, 4xx dropped; a restart
 * resumes from the persisted WAL position.
 */
class RemoteWriteSenderTest {
    @TempDir
    Path dir;

    private SextantServer start(String remoteWrite) throws Exception {
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, """
                global:
                  external_labels: {replica: a}
                remote_write:
                """ + remoteWrite);
        return SextantServer.start(ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(cfg));
    }

    private static String queue(FakeReceiver r, String extra) {
        return """
                  - url: %s
                    name: test
                    queue_config: {batch_send_deadline: 100ms, max_samples_per_send: 50, min_backoff: 10ms, max_backoff: 100ms}
                """.formatted(r.url()) + extra;
    }

    /** Pushes {@code n} samples for each of the given metric names, timestamps base + i*1000. */
    private static void push(HttpFixture http, long base, int n, String... names) throws Exception {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (String name : names) {
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                ts[i] = base + i * 1000L;
                vs[i] = i;
            }
            req.addTimeseries(HttpFixture.series(new String[] {"__name__", name, "job", "app"}, ts, vs));
        }
        assertThat(http.write(req.build()).statusCode()).isEqualTo(204);
    }

    private static void await(String what, long millis, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static double metric(HttpFixture http, String name) throws Exception {
        String body = http.get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*remote_name=\"test\"[^}]*\\} (\\S+)$")
                .matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void sendsEverySampleWithExternalLabelsAndWriteRelabeling() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        try (FakeReceiver recv = new FakeReceiver();
                SextantServer s = start(queue(recv, """
                            write_relabel_configs:
                              - {source_labels: [__name__], regex: 'drop_.*', action: drop}
                        """))) {
            HttpFixture http = new HttpFixture(s.port());
            push(http, base, 300, "kept_a", "kept_b", "drop_me");
            await("600 samples at the receiver", 60_000, () -> recv.distinctSamples() == 600);
            assertThat(recv.samples.keySet()).containsExactlyInAnyOrder(
                    "{__name__=\"kept_a\",job=\"app\",replica=\"a\"}", "{__name__=\"kept_b\",job=\"app\",replica=\"a\"}");
            assertThat(recv.contentTypes).allMatch(ct -> ct.equals("application/x-protobuf"));
            // Per-series order is kept: each series' timestamps arrive ascending.
            for (var l : recv.samples.values()) {
                for (int i = 1; i < l.size(); i++) {
                    assertThat(l.get(i)[0]).isGreaterThan(l.get(i - 1)[0]);
                }
            }
            await("metrics", 60_000, () -> {
                try {
                    return metric(http, "prometheus_remote_storage_samples_total") == 600;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(metric(http, "prometheus_remote_storage_samples_dropped_total")).isEqualTo(300);
            assertThat(metric(http, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds"))
                    .isEqualTo((base + 299_000) / 1000.0);
            assertThat(metric(http, "prometheus_remote_storage_shards")).isEqualTo(1);
        }
    }

    @Test
    void version2IsSentWithItsContentType() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        try (FakeReceiver recv = new FakeReceiver();
                SextantServer s = start(queue(recv, "    protobuf_message: io.prometheus.write.v2.Request\n"))) {
            push(new HttpFixture(s.port()), base, 100, "v2_metric");
            await("100 samples", 60_000, () -> recv.distinctSamples() == 100);
            assertThat(recv.samples).containsOnlyKeys("{__name__=\"v2_metric\",job=\"app\",replica=\"a\"}");
            assertThat(recv.contentTypes).allMatch(ct -> ct.equals("application/x-protobuf;proto=io.prometheus.write.v2.Request"));
        }
    }

    @Test
    void serverErrorsAreRetriedAndClientErrorsDropped() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        try (FakeReceiver recv = new FakeReceiver(); SextantServer s = start(queue(recv, ""))) {
            HttpFixture http = new HttpFixture(s.port());
            AtomicInteger failures = new AtomicInteger(5);
            recv.status = () -> failures.getAndDecrement() > 0 ? 503 : 204;
            push(http, base, 100, "retried");
            await("100 samples after retries", 60_000, () -> recv.distinctSamples() == 100);
            assertThat(metric(http, "prometheus_remote_storage_samples_retried_total")).isGreaterThan(0);
            assertThat(metric(http, "prometheus_remote_storage_samples_failed_total")).isZero();

            recv.status = () -> 400;
            int before = recv.requests.get();
            push(http, base, 100, "rejected");
            await("the rejected batches to be counted failed", 60_000, () -> {
                try {
                    return metric(http, "prometheus_remote_storage_samples_failed_total") == 100;
                } catch (Exception e) {
                    return false;
                }
            });
            Thread.sleep(500);
            // 100 samples in batches of at most 50: two or three requests, never retried.
            assertThat(recv.requests.get() - before).isBetween(2, 3);
            assertThat(recv.samples.keySet()).noneMatch(k -> k.contains("rejected"));
        }
    }

    @Test
    void aRestartResumesWhereSendingStopped() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        try (FakeReceiver recv = new FakeReceiver()) {
            recv.status = () -> 503; // the receiver is down for the whole first run
            try (SextantServer s = start(queue(recv, ""))) {
                HttpFixture http = new HttpFixture(s.port());
                push(http, base, 200, "survivor");
                await("the sender to try", 60_000, () -> recv.requests.get() > 0);
            }
            assertThat(recv.distinctSamples()).isZero();
            recv.status = () -> 204;
            try (SextantServer s = start(queue(recv, ""))) {
                await("every sample after the restart", 60_000, () -> recv.distinctSamples() == 200);
                HttpFixture http = new HttpFixture(s.port());
                push(http, base + 200_000, 50, "survivor");
                await("new samples too", 60_000, () -> recv.distinctSamples() == 250);
            }
        }
    }

    @Test
    void aReloadMovesTheQueueToItsNewSettings() throws Exception {
        long base = System.currentTimeMillis() - 600_000;
        try (FakeReceiver first = new FakeReceiver(); FakeReceiver second = new FakeReceiver();
                SextantServer s = start(queue(first, ""))) {
            HttpFixture http = new HttpFixture(s.port());
            push(http, base, 50, "before_reload");
            await("50 samples at the first receiver", 60_000, () -> first.distinctSamples() == 50);
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      external_labels: {replica: b}
                    remote_write:
                    """ + queue(second, ""));
            assertThat(s.reload().status()).isEqualTo(200);
            // A new URL is a new queue: it starts at the WAL's end as of the reload, so nothing old is
            // re-sent and a sample written right after the reload returns is sent.
            push(http, base + 50_000, 50, "after_reload");
            await("50 new samples at the second receiver", 60_000, () -> second.distinctSamples() == 50);
            Thread.sleep(300);
            assertThat(second.samples).containsOnlyKeys("{__name__=\"after_reload\",job=\"app\",replica=\"b\"}");
            assertThat(first.samples.keySet()).noneMatch(k -> k.contains("after_reload"));

            Files.writeString(dir.resolve("prometheus.yml"), "remote_write:\n  - {url: 'ftp://nope'}\n");
            assertThat(s.reload().status()).as("an invalid remote_write keeps the old configuration").isEqualTo(500);
            push(http, base + 100_000, 10, "after_bad_reload");
            await("the old queue keeps sending", 60_000, () -> second.distinctSamples() == 60);
        }
    }

    @Test
    void metadataOfScrapedFamiliesIsSent() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        try (FakeReceiver recv = new FakeReceiver()) {
            Path cfg = dir.resolve("prometheus.yml");
            Files.writeString(cfg, """
                    global: {scrape_interval: 1s}
                    scrape_configs:
                      - job_name: self
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    remote_write:
                    """.formatted(port) + queue(recv, "    metadata_config: {send_interval: 1s}\n"));
            try (SextantServer s = SextantServer.start(ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", port)
                    .withConfigFile(cfg))) {
                await("metadata of the self-scrape", 60_000, () -> recv.metadata.containsKey("sextant_tsdb_head_series"));
                assertThat(recv.metadata.get("sextant_tsdb_head_series")).isEqualTo("GAUGE|Total number of series in the head block.");
                await("samples of the self-scrape", 60_000, () -> recv.samples.keySet().stream()
                        .anyMatch(k -> k.startsWith("{__name__=\"up\",instance=\"127.0.0.1:" + port + "\"")));
                assertThat(metric(new HttpFixture(s.port()), "prometheus_remote_storage_metadata_total")).isGreaterThan(0);
            }
        }
    }
}
