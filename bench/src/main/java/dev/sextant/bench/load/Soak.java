package dev.sextant.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.bench.wire.WriteRequestEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * Soak test against a running server: remote write at a fixed fraction of the maximum measured in
 * the same session, Grafana-like range queries at a steady rate, rules evaluated by the server
 * (configured by the caller, see {@code bench/soak.sh}), the server's RSS sampled, and at the end
 * an exact count of the samples stored against the samples acknowledged.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.sextant.bench.load.Soak
 * --base=http://127.0.0.1:9090 --pid=<server pid> --series=20000 --fraction=0.8 --calibrate=30s
 * --duration=10m --query-interval=1s --rss-interval=10s [--json-out=file]}
 *
 * <p>Phase 1 (calibration) writes rounds of one sample per series as fast as the server accepts
 * them for {@code calibrate}, stamped with the wall clock, while the queries below already run and
 * the server's rules see the data: its samples/s is the maximum under the soak's own conditions. Phase 2 writes rounds paced to {@code
 * fraction} of that rate for {@code duration}: round {@code k} is due at {@code start + k ×
 * interval} and carries timestamp {@code t0 + k × interval}, where {@code interval = series /
 * rate}. Every write must be acknowledged (no retries; a failure is reported). Meanwhile one
 * thread runs range queries over the last five minutes (15 s step) round-robin from a small
 * dashboard with a group variable, and another samples {@code VmRSS} of {@code pid}. Finally it queries
 * {@code count_over_time} over everything written and compares with the acknowledged count.
 */
public final class Soak {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A dashboard with a {@code $group} variable, as Grafana sends it: panels over one group (a
     * twentieth of the series; the variable moves on every round of panels), and two panels over
     * everything (the recording rule's output and a series count).
     */
    private static final String[] DASHBOARD = {
        "sum(rate(soak_total{group=\"$g\"}[1m]))",
        "sum by (le) (rate(soak_total{group=\"$g\"}[1m]))",
        "topk(5, rate(soak_total{group=\"$g\"}[1m]))",
        "histogram_quantile(0.9, sum by (le) (rate(soak_total{group=\"$g\"}[1m])))",
        "soak:rate1m{group=\"$g\"}",
        "sum(soak:rate1m)",
        "count(soak_total)",
    };

    private Soak() {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "base", "pid", "series", "fraction", "calibrate", "duration", "query-interval",
                "rss-interval", "batch", "concurrency", "json-out");
        String base = a.get("base", "http://127.0.0.1:9090");
        long pid = a.getLong("pid", -1);
        int series = a.getInt("series", 20_000);
        double fraction = Double.parseDouble(a.get("fraction", "0.8"));
        long calibrateMs = a.getMillis("calibrate", 30_000);
        long durationMs = a.getMillis("duration", 600_000);
        long queryEveryMs = a.getMillis("query-interval", 1000);
        long rssEveryMs = a.getMillis("rss-interval", 10_000);
        int batch = a.getInt("batch", 2000);
        int concurrency = a.getInt("concurrency", 2);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[][] labels = new byte[series][];
        for (int s = 0; s < series; s++) {
            labels[s] = WriteRequestEncoder.encodeLabels(new String[] {"__name__", "soak_total",
                "group", "g" + (s % 20), "le", Integer.toString(s % 10), "series", Integer.toString(s)});
        }
        Writer w = new Writer(client, URI.create(base + "/api/v1/write"), labels, batch, concurrency);

        Latencies queryLat = new Latencies();
        AtomicLong queryErrors = new AtomicLong();
        String[] firstQueryError = new String[1];
        List<long[]> rss = new ArrayList<>(); // {seconds since start, VmRSS, RssAnon, RssFile}
        long benchStart = System.nanoTime();
        Thread queries = new Thread(() -> {
            int i = 0;
            while (!STOP.get()) {
                String q = DASHBOARD[i % DASHBOARD.length].replace("$g", "g" + (i / DASHBOARD.length) % 20);
                i++;
                long end = System.currentTimeMillis() / 1000;
                String url = base + "/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                        + "&start=" + (end - 300) + "&end=" + end + "&step=15";
                long s = System.nanoTime();
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                    if (MEASURING.get()) {
                        queryLat.record(System.nanoTime() - s);
                    }
                    if (r.statusCode() != 200) {
                        note(queryErrors, firstQueryError, q + ": " + r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    note(queryErrors, firstQueryError, q + ": " + e);
                } catch (InterruptedException e) {
                    return;
                }
                sleepUntil(s + queryEveryMs * 1_000_000L);
            }
        }, "soak-queries");
        Thread sampler = new Thread(() -> {
            while (!STOP.get()) {
                long s = System.nanoTime();
                long[] bytes = rssBytes(pid);
                synchronized (rss) {
                    rss.add(new long[] {(s - benchStart) / 1_000_000_000L, bytes[0], bytes[1], bytes[2]});
                }
                sleepUntil(s + rssEveryMs * 1_000_000L);
            }
        }, "soak-rss");
        queries.start();
        sampler.start();
        // Calibration: as fast as possible, under the same query and rule load as the soak (the
        // queries and rules see the calibration data: it is stamped with the wall clock).
        long calStart = System.nanoTime();
        int calRounds = 0;
        long calT = 0;
        while (System.nanoTime() - calStart < calibrateMs * 1_000_000L) {
            calT = Math.max(calT + 1, System.currentTimeMillis());
            w.round(calT, calRounds);
            calRounds++;
        }
        double maxRate = (double) calRounds * series / ((System.nanoTime() - calStart) / 1e9);
        if (w.failed.get() > 0) {
            throw new IllegalStateException("calibration writes failed: " + w.firstError);
        }
        double rate = fraction * maxRate;
        long intervalMs = Math.max(1, Math.round(series * 1000.0 / rate));
        System.err.printf(Locale.ROOT, "soak: max %.0f samples/s; writing %d series every %d ms (%.0f samples/s)%n",
                maxRate, series, intervalMs, series * 1000.0 / intervalMs);

        long ackedBefore = w.acked.get();
        long t0 = Math.max(calT / 1000 + 1, System.currentTimeMillis() / 1000) * 1000;
        long start = System.nanoTime();
        long soakStartSecond = (start - benchStart) / 1_000_000_000L;
        MEASURING.set(true);
        int rounds = 0;
        long lateRounds = 0;
        while (System.nanoTime() - start < durationMs * 1_000_000L) {
            long due = start + rounds * intervalMs * 1_000_000L;
            if (System.nanoTime() > due + intervalMs * 1_000_000L) {
                lateRounds++;
            }
            sleepUntil(due);
            w.round(t0 + rounds * intervalMs, rounds);
            rounds++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        STOP.set(true);
        queries.join();
        sampler.join();

        long ackedSoak = w.acked.get() - ackedBefore;
        long lastT = t0 + (rounds - 1) * intervalMs;
        long stored = countStored(client, base, t0, lastT);
        String rules = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/rules")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        boolean rulesOk = rules.contains("\"health\":\"ok\"") && !rules.contains("\"health\":\"err\"");

        StringBuilder rssList = new StringBuilder();
        for (long[] r : rss) {
            rssList.append(rssList.length() == 0 ? "" : ",").append("[").append(r[0]).append(",").append(r[1])
                    .append(",").append(r[2]).append(",").append(r[3]).append("]");
        }
        String json = String.format(Locale.ROOT,
                "{\"series\":%d,\"soak_start_s\":%d,\"max_samples_per_s\":%.1f,\"achieved_samples_per_s\":%.1f,\"fraction\":%.2f,\"interval_ms\":%d,\"rounds\":%d,"
                        + "\"late_rounds\":%d,\"seconds\":%.1f,\"samples_acked\":%d,\"samples_failed\":%d,"
                        + "\"samples_stored\":%d,\"exact\":%b,\"queries\":%d,\"query_errors\":%d,\"query_p50_ms\":%.2f,"
                        + "\"query_p99_ms\":%.2f,\"rules_ok\":%b,\"rss\":[%s]%s}%n",
                series, soakStartSecond, maxRate, (double) rounds * series / seconds, fraction, intervalMs, rounds, lateRounds, seconds, ackedSoak, w.failed.get(), stored,
                stored == ackedSoak && w.failed.get() == 0, queryLat.count(), queryErrors.get(),
                queryLat.percentileMillis(50), queryLat.percentileMillis(99), rulesOk, rssList,
                w.firstError == null && firstQueryError[0] == null ? ""
                        : ",\"first_error\":" + JSON.writeValueAsString(
                                w.firstError != null ? w.firstError : firstQueryError[0]));
        System.out.print(json);
        String out = a.get("json-out", null);
        if (out != null) {
            Files.writeString(Path.of(out), json, StandardCharsets.UTF_8);
        }
        if (stored != ackedSoak || w.failed.get() > 0) {
            System.exit(1);
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean STOP = new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.util.concurrent.atomic.AtomicBoolean MEASURING = new java.util.concurrent.atomic.AtomicBoolean();

    private static void note(AtomicLong errors, String[] first, String msg) {
        errors.incrementAndGet();
        synchronized (first) {
            if (first[0] == null) {
                first[0] = msg.length() > 300 ? msg.substring(0, 300) : msg;
            }
        }
    }

    private static void sleepUntil(long nanos) {
        long d;
        while ((d = nanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(d / 1_000_000L, (int) (d % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code VmRSS}, {@code RssAnon} and {@code RssFile} of {@code pid} in bytes (-1 where unknown). */
    static long[] rssBytes(long pid) {
        long[] out = {-1, -1, -1};
        if (pid <= 0) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int i = line.startsWith("VmRSS:") ? 0 : line.startsWith("RssAnon:") ? 1 : line.startsWith("RssFile:") ? 2 : -1;
                if (i >= 0) {
                    out[i] = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /**
     * Samples of soak_total in [t0, lastT], summed over series: one query per ten seconds of data,
     * so that no query passes the default 50M-sample limit even at several hundred thousand
     * samples/s (two-minute windows passed it at 667k samples/s).
     */
    private static long countStored(HttpClient client, String base, long t0, long lastT) throws Exception {
        long total = 0;
        long window = 10_000L;
        for (long end = lastT; end >= t0; end -= window) {
            long from = Math.max(t0, end - window + 1);
            long rangeMs = end - from + 1;
            String q = "sum(count_over_time(soak_total[" + rangeMs + "ms]))";
            // Left-open range: (end - rangeMs, end] covers [from, end].
            String url = base + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time="
                    + String.format(Locale.ROOT, "%.3f", end / 1000.0);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode res = JSON.readTree(r.body()).path("data").path("result");
            if (r.statusCode() != 200) {
                throw new IllegalStateException("count query failed: " + r.body());
            }
            total += res.size() == 0 ? 0 : Long.parseLong(res.get(0).path("value").get(1).asText());
        }
        return total;
    }

    /** Sends rounds (one sample per series) in batches over {@code concurrency} connections. */
    private static final class Writer {
        final HttpClient client;
        final URI uri;
        final byte[][] labels;
        final int batch;
        final int concurrency;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile String firstError;

        Writer(HttpClient client, URI uri, byte[][] labels, int batch, int concurrency) {
            this.client = client;
            this.uri = uri;
            this.labels = labels;
            this.batch = batch;
            this.concurrency = concurrency;
        }

        /** Writes one round synchronously: every series gets value {@code round} at {@code t}. */
        void round(long t, int round) throws InterruptedException {
            int batches = (labels.length + batch - 1) / batch;
            Thread[] ts = new Thread[Math.min(concurrency, batches)];
            for (int i = 0; i < ts.length; i++) {
                int worker = i;
                ts[i] = new Thread(() -> {
                    WriteRequestEncoder enc = new WriteRequestEncoder();
                    for (int b = worker; b < batches; b += ts.length) {
                        enc.reset();
                        int from = b * batch;
                        int to = Math.min(labels.length, from + batch);
                        for (int s = from; s < to; s++) {
                            enc.addSeries(labels[s], t, round);
                        }
                        try {
                            byte[] body = new byte[Snappy.maxCompressedLength(enc.length())];
                            int n = Snappy.rawCompress(enc.buffer(), 0, enc.length(), body, 0);
                            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Encoding", "snappy")
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, n)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() / 100 == 2) {
                                acked.addAndGet(to - from);
                            } else {
                                failed.addAndGet(to - from);
                                if (firstError == null) {
                                    firstError = r.statusCode() + " " + r.body();
                                }
                            }
                        } catch (IOException e) {
                            failed.addAndGet(to - from);
                            if (firstError == null) {
                                firstError = e.toString();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
                ts[i].start();
            }
            for (Thread th : ts) {
                th.join();
            }
        }
    }
}
