package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import dev.sextant.api.remote.prompb.Remote.WriteRequest;
import dev.sextant.api.remote.prompb.Types;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Sextant's remote-write sender against real receivers from Debian: VictoriaMetrics and Prometheus
 * 2.42 with {@code --web.enable-remote-write-receiver}. The receivers must hold exactly the samples
 * Sextant holds (compared sample by sample, by query), also across a receiver outage of a minute
 * during steady ingestion.
 */
@Tag("interop")
class RemoteWriteSenderInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private SextantServer sextant(String remoteWrite) throws Exception {
        Path cfg = dir.resolve("sextant.yml");
        Files.writeString(cfg, "global:\n  external_labels: {replica: sx1}\nremote_write:\n" + remoteWrite);
        return SextantServer.start(ServerOptions.defaults(dir.resolve("sextant-data"), "127.0.0.1", 0)
                .withRemoteWriteReceiver(true).withConfigFile(cfg));
    }

    private Peer victoriaMetrics(int port) throws Exception {
        return Peer.start("victoria-metrics", port, dir, "-httpListenAddr=127.0.0.1:" + port,
                "-storageDataPath=" + dir.resolve("vm-data"), "-retentionPeriod=1", "-search.disableCache",
                "-search.latencyOffset=0s").awaitHttp("/health", Duration.ofSeconds(60));
    }

    private static void push(int port, WriteRequest req) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    }

    private static Types.TimeSeries.Builder series(String job, int s) {
        return Types.TimeSeries.newBuilder()
                .addLabels(Types.Label.newBuilder().setName("__name__").setValue("rw_load"))
                .addLabels(Types.Label.newBuilder().setName("job").setValue(job))
                .addLabels(Types.Label.newBuilder().setName("series").setValue(Integer.toString(s)));
    }

    /** Samples per {@code series} label value, as "t=v" strings, from a Prometheus-style matrix query. */
    private static Map<String, TreeSet<String>> matrix(int port, String job) throws Exception {
        String q = URLEncoder.encode("rw_load{job=\"" + job + "\"}[3h]", StandardCharsets.UTF_8);
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + q
                + "&time=" + (System.currentTimeMillis() / 1000.0 + 60))).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonNode root = JSON.readTree(body);
        assertThat(root.path("status").asText()).as(body).isEqualTo("success");
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (JsonNode s : root.path("data").path("result")) {
            TreeSet<String> set = out.computeIfAbsent(s.path("metric").path("series").asText(), k -> new TreeSet<>());
            for (JsonNode v : s.path("values")) {
                set.add(Math.round(v.get(0).asDouble() * 1000) + "=" + v.get(1).asText());
            }
        }
        return out;
    }

    /** The same from VictoriaMetrics's raw export; also checks every series carries the external label. */
    private static Map<String, TreeSet<String>> vmExport(int port, String job) throws Exception {
        String m = URLEncoder.encode("rw_load{job=\"" + job + "\"}", StandardCharsets.UTF_8);
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/export?match[]=" + m))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode s = JSON.readTree(line);
            assertThat(s.path("metric").path("replica").asText()).as("external label on %s", line).isEqualTo("sx1");
            TreeSet<String> set = out.computeIfAbsent(s.path("metric").path("series").asText(), k -> new TreeSet<>());
            JsonNode ts = s.path("timestamps");
            JsonNode vs = s.path("values");
            for (int i = 0; i < ts.size(); i++) {
                set.add(ts.get(i).asLong() + "=" + formatVm(vs.get(i).asDouble()));
            }
        }
        return out;
    }

    /** VictoriaMetrics exports numbers; render them like Prometheus's JSON strings for comparison. */
    private static String formatVm(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static int count(Map<String, TreeSet<String>> m) {
        return m.values().stream().mapToInt(TreeSet::size).sum();
    }

    private static void awaitEqual(String what, long millis, Callable expected, Callable actual) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        Map<String, TreeSet<String>> e = expected.get();
        Map<String, TreeSet<String>> a = actual.get();
        while (!a.equals(e) && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            e = expected.get();
            a = actual.get();
        }
        assertThat(count(a)).as(what + ": sample count").isEqualTo(count(e));
        assertThat(a).as(what).isEqualTo(e);
    }

    interface Callable {
        Map<String, TreeSet<String>> get() throws Exception;
    }

    @Test
    void victoriaMetricsAndPrometheusHoldExactlyWhatSextantHolds() throws Exception {
        int vmPort = ExternalBinary.freePort();
        int promPort = ExternalBinary.freePort();
        Path promCfg = dir.resolve("prometheus.yml");
        Files.writeString(promCfg, "global: {}\n");
        try (Peer vm = victoriaMetrics(vmPort);
                Peer prom = Peer.start("prometheus", promPort, dir, "--config.file=" + promCfg,
                        "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort,
                        "--web.enable-remote-write-receiver").awaitHttp("/-/ready", Duration.ofSeconds(60));
                SextantServer sx = sextant("""
                          - url: http://127.0.0.1:%d/api/v1/write
                            name: vm
                            queue_config: {batch_send_deadline: 1s}
                          - url: http://127.0.0.1:%d/api/v1/write
                            name: prometheus
                            queue_config: {batch_send_deadline: 1s}
                        """.formatted(vmPort, promPort))) {
            // 40 series x 180 samples over the last 30 minutes, values with fractions and a stale marker.
            long end = System.currentTimeMillis() / 1000 * 1000;
            for (int batch = 0; batch < 6; batch++) {
                WriteRequest.Builder req = WriteRequest.newBuilder();
                for (int s = 0; s < 40; s++) {
                    Types.TimeSeries.Builder ts = series("exact", s);
                    for (int i = batch * 30; i < batch * 30 + 30; i++) {
                        ts.addSamples(Types.Sample.newBuilder().setTimestamp(end - 1_800_000 + i * 10_000L)
                                .setValue(s * 1000 + i * 0.25));
                    }
                    req.addTimeseries(ts);
                }
                push(sx.port(), req.build());
            }
            Map<String, TreeSet<String>> sextant = matrix(sx.port(), "exact");
            assertThat(count(sextant)).isEqualTo(40 * 180);
            awaitEqual("VictoriaMetrics", 60_000, () -> sextant, () -> vmExport(vmPort, "exact"));
            awaitEqual("Prometheus 2.42", 60_000, () -> sextant, () -> matrix(promPort, "exact"));
            String promSeries = prom.get("/api/v1/series?match[]=" + URLEncoder.encode("rw_load{series=\"7\"}", StandardCharsets.UTF_8));
            assertThat(promSeries).contains("\"replica\":\"sx1\"");
        }
    }

    private static double gauge(String metrics, String name, String queue) {
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + (queue == null ? "" : "\\{[^}]*remote_name=\"" + queue + "\"[^}]*\\}")
                + " (\\S+)$");
        Matcher m = p.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aReceiverOutageDuringSteadyIngestionLosesNothing() throws Exception {
        int vmPort = ExternalBinary.freePort();
        Peer vm = victoriaMetrics(vmPort);
        try (SextantServer sx = sextant("""
                  - url: http://127.0.0.1:%d/api/v1/write
                    name: vm
                    queue_config: {batch_send_deadline: 1s, max_backoff: 2s}
                """.formatted(vmPort))) {
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicReference<Throwable> loadFailure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger pushes = new java.util.concurrent.atomic.AtomicInteger();
            // Steady ingestion: 50 series, one sample each every 250 ms (200 samples/s).
            Thread load = new Thread(() -> {
                try {
                    while (run.get()) {
                        long t = System.currentTimeMillis();
                        WriteRequest.Builder req = WriteRequest.newBuilder();
                        for (int s = 0; s < 50; s++) {
                            req.addTimeseries(series("steady", s).addSamples(
                                    Types.Sample.newBuilder().setTimestamp(t).setValue(t % 100_000 + s)));
                        }
                        push(sx.port(), req.build());
                        pushes.incrementAndGet();
                        Thread.sleep(250);
                    }
                } catch (Throwable e) {
                    loadFailure.set(e);
                }
            }, "steady-load");
            load.start();
            String url = "http://127.0.0.1:" + sx.port() + "/metrics";
            Thread.sleep(10_000);
            vm.close(); // the receiver goes away for about a minute
            double maxLag = 0;
            double maxPendingDuringOutage = 0;
            for (int i = 0; i < 60; i++) {
                Thread.sleep(1000);
                String m = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                double lag = gauge(m, "prometheus_remote_storage_highest_timestamp_in_seconds", null)
                        - gauge(m, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", "vm");
                maxLag = Math.max(maxLag, lag);
                maxPendingDuringOutage = Math.max(maxPendingDuringOutage, gauge(m, "prometheus_remote_storage_samples_pending", "vm"));
            }
            assertThat(maxLag).as("the queue falls behind while the receiver is down").isGreaterThan(45);
            assertThat(maxPendingDuringOutage).as("samples pile up in the queue").isGreaterThan(0);
            vm = victoriaMetrics(vmPort);
            // Let ingestion go on a little after the receiver is back, then stop it and compare.
            double lagAfter = Double.NaN;
            double pendingAfter = Double.NaN;
            long deadline = System.currentTimeMillis() + 90_000;
            String m = "";
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
                m = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
                lagAfter = gauge(m, "prometheus_remote_storage_highest_timestamp_in_seconds", null)
                        - gauge(m, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds", "vm");
                pendingAfter = gauge(m, "prometheus_remote_storage_samples_pending", "vm");
                if (lagAfter < 5) {
                    break;
                }
            }
            assertThat(lagAfter).as("the backlog drains once the receiver is back; metrics:\n%s", m).isLessThan(5);
            assertThat(gauge(m, "prometheus_remote_storage_samples_retried_total", "vm")).isGreaterThan(0);
            assertThat(gauge(m, "prometheus_remote_storage_samples_failed_total", "vm")).isZero();
            run.set(false);
            load.join();
            assertThat(loadFailure.get()).isNull();
            Map<String, TreeSet<String>> sextant = matrix(sx.port(), "steady");
            // Every acknowledged push is held (however fast the loaded machine pushed), and pushes went
            // on across the whole outage (over 70 s: 10 s before, 60 s during, the recovery after).
            assertThat(count(sextant)).as("every acknowledged push is stored").isEqualTo(50 * pushes.get());
            assertThat(pushes.get()).as("pushes across the outage").isGreaterThan(70);
            final int port = vmPort;
            awaitEqual("VictoriaMetrics after its outage", 60_000, () -> sextant, () -> vmExport(port, "steady"));
            System.out.printf("outage test: %d samples, max lag %.1fs, max pending %.0f, pending after %.0f%n",
                    count(sextant), maxLag, maxPendingDuringOutage, pendingAfter);
        } finally {
            vm.close();
        }
    }
}
