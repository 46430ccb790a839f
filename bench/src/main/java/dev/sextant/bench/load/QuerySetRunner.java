package dev.sextant.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Runs the {@link QuerySet} against a Prometheus-compatible HTTP API the way Grafana does (POST,
 * form-encoded, to {@code /api/v1/query} and {@code /api/v1/query_range}), one request at a time,
 * and reports per-query median and p90 latency plus a digest of each result.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.QuerySetRunner --url=http://127.0.0.1:9090
 * --start-ms=... --end-ms=... [--step=15s] [--repeat=5] [--warmup=1] [--json-out=file] [--results-dir=dir]
 * [--client=socket|jdk]}. The default client is {@link KeepAliveClient} (one warm keep-alive
 * connection, blocking I/O on the calling thread); {@code jdk} is the JDK's {@code HttpClient},
 * which adds milliseconds of its own per request (see {@link KeepAliveClient}).
 *
 * <p>The digest (16 hex characters of SHA-256) is over the result rendered canonically: one line
 * per point, {@code {sorted labels} ms value}, values rounded to 6 significant digits, lines
 * sorted. Two servers that agree on the result get the same digest regardless of series order or
 * float formatting. An error answer has digest {@code error:<errorType>}. Values one ulp apart
 * can still round differently (a value on a rounding boundary), so {@code --results-dir} also
 * writes each result's full-precision points for {@link ResultCompare}, which compares within a
 * relative tolerance. The overall median and
 * p90 are over successful requests only.
 */
public final class QuerySetRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Figures of one query in one mode. */
    public record Outcome(String name, String kind, double medianMs, double p90Ms, String digest, int series, String error) {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "url", "start-ms", "end-ms", "step", "repeat", "warmup", "json-out",
                "results-dir", "client");
        String base = a.get("url", "http://127.0.0.1:9090");
        long end = a.getLong("end-ms", System.currentTimeMillis());
        long start = a.getLong("start-ms", end - 3_600_000L);
        long step = a.getMillis("step", 15_000);
        int repeat = a.getInt("repeat", 5);
        int warmup = a.getInt("warmup", 1);
        String clientKind = a.get("client", "socket");
        if (!clientKind.equals("socket") && !clientKind.equals("jdk")) {
            throw new IllegalArgumentException("--client must be socket or jdk, got " + clientKind);
        }
        Sender client = clientKind.equals("jdk") ? jdkSender() : socketSender(URI.create(base));
        List<Outcome> outcomes = new ArrayList<>();
        Latencies all = new Latencies();
        String resultsDir = a.get("results-dir", null);
        if (resultsDir != null) {
            Files.createDirectories(Path.of(resultsDir));
        }
        for (QuerySet.Query q : QuerySet.QUERIES) {
            String instantForm = "query=" + enc(q.expr()) + "&time=" + seconds(end);
            String rangeForm = "query=" + enc(q.expr()) + "&start=" + seconds(start) + "&end=" + seconds(end)
                    + "&step=" + seconds(step);
            outcomes.add(run(client, base + "/api/v1/query", instantForm, q.name(), "instant", repeat, warmup, all,
                    resultsDir));
            outcomes.add(run(client, base + "/api/v1/query_range", rangeForm, q.name(), "range", repeat, warmup, all,
                    resultsDir));
        }
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"client\":\"%s\",\"median_ms\":%.3f,\"p90_ms\":%.3f,\"queries\":[",
                clientKind, all.percentileMillis(50), all.percentileMillis(90)));
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            System.out.printf(Locale.ROOT, "%-20s %-8s median_ms=%8.2f p90_ms=%8.2f series=%6d digest=%s%s%n", o.name(),
                    o.kind(), o.medianMs(), o.p90Ms(), o.series(), o.digest(), o.error() == null ? "" : " error=" + o.error());
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"%s\",\"kind\":\"%s\",\"median_ms\":%.3f,\"p90_ms\":%.3f,\"series\":%d,\"digest\":\"%s\"}",
                    o.name(), o.kind(), o.medianMs(), o.p90Ms(), o.series(), o.digest()));
        }
        json.append("]}\n");
        System.out.printf(Locale.ROOT, "all: median_ms=%.2f p90_ms=%.2f%n", all.percentileMillis(50), all.percentileMillis(90));
        String out = a.get("json-out", null);
        if (out != null) {
            Files.writeString(Path.of(out), json, StandardCharsets.UTF_8);
        }
    }

    /** Sends one form POST and returns status and body; measured around this call. */
    @FunctionalInterface
    interface Sender {
        KeepAliveClient.Response post(String url, String form) throws java.io.IOException, InterruptedException;
    }

    /** The default: {@link KeepAliveClient}, one warm keep-alive connection. */
    static Sender socketSender(URI base) {
        KeepAliveClient c = new KeepAliveClient(base, 120_000);
        return (url, form) -> c.post(URI.create(url).getRawPath(), form, "Grafana/sextant-bench");
    }

    /** {@code --client=jdk}: the JDK's HttpClient (the runner's client before 2026-11-26 14:00). */
    static Sender jdkSender() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return (url, form) -> {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("User-Agent", "Grafana/sextant-bench")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new KeepAliveClient.Response(resp.statusCode(), resp.body());
        };
    }

    static Outcome run(Sender client, String url, String form, String name, String kind, int repeat, int warmup,
            Latencies all, String resultsDir) throws InterruptedException {
        Latencies lat = new Latencies();
        String body = null;
        String error = null;
        for (int i = 0; i < warmup + repeat; i++) {
            long t0 = System.nanoTime();
            try {
                KeepAliveClient.Response resp = client.post(url, form);
                long ns = System.nanoTime() - t0;
                if (i >= warmup) {
                    lat.record(ns);
                    if (resp.status() == 200) {
                        all.record(ns); // errors are fast; they must not flatter the overall figure
                    }
                }
                body = resp.bodyString();
                error = resp.status() == 200 ? null : "http " + resp.status();
            } catch (java.io.IOException e) {
                error = e.getClass().getSimpleName();
            }
        }
        String digest;
        int series = 0;
        try {
            JsonNode root = body == null ? null : JSON.readTree(body);
            if (root == null || !"success".equals(root.path("status").asText())) {
                String type = root == null ? "no-answer" : root.path("errorType").asText("unknown");
                digest = "error:" + type;
                if (error == null) {
                    error = type;
                }
            } else {
                JsonNode result = root.path("data").path("result");
                series = result.isArray() ? result.size() : 1;
                digest = digest(root.path("data"));
                if (resultsDir != null) {
                    // Full-precision points, for a comparison within a tolerance (ResultCompare).
                    Files.write(Path.of(resultsDir, name + "-" + kind + ".txt"),
                            ResultCompare.canonicalLines(root.path("data")), StandardCharsets.UTF_8);
                }
            }
        } catch (Exception e) {
            digest = "error:unparsable";
            error = e.getClass().getSimpleName();
        }
        return new Outcome(name, kind, lat.percentileMillis(50), lat.percentileMillis(90), digest, series, error);
    }

    /** Canonical digest of a {@code data} object of a query answer. */
    static String digest(JsonNode data) throws Exception {
        List<String> lines = ResultCompare.canonicalLines(data, QuerySetRunner::point);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String line : lines) {
            md.update(line.getBytes(StandardCharsets.UTF_8));
            md.update((byte) '\n');
        }
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    private static String point(String labels, JsonNode p) {
        long ms = Math.round(p.get(0).asDouble() * 1000);
        return labels + " " + ms + " " + canonical(p.get(1).asText());
    }

    /** Rounds to 6 significant digits so that float formatting and summation order do not matter. */
    static String canonical(String v) {
        double d = switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        return d == 0 ? "0" : String.format(Locale.ROOT, "%.5e", d);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
    }
}
