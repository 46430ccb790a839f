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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the {@link QuerySet} against one or more Prometheus-compatible HTTP APIs the way Grafana
 * does (POST, form-encoded, to {@code /api/v1/query} and {@code /api/v1/query_range}, whole body
 * read), one request at a time, and reports per query the median latency, its spread over rounds
 * and a digest of each result.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.QuerySetRunner
 * --servers=prometheus=http://127.0.0.1:9090,sextant=http://127.0.0.1:9091 --start-ms=... --end-ms=...
 * [--step=15s] [--warmup-passes=20] [--rounds=5] [--repeat=20] [--seed=N] [--out-dir=DIR]
 * [--baseline=prometheus] [--client=socket|jdk]}; {@code --url=URL} (with {@code --json-out=file},
 * {@code --results-dir=dir}) is the one-server form, the server named {@code server}.
 *
 * <p><b>How it measures (since 2026-11-26, branch query6)</b>, see {@link QueryRounds}: one client
 * process for every server and every round; one keep-alive connection per server
 * ({@link KeepAliveClient}); {@code --warmup-passes} untimed passes of the whole set over every
 * server first; then {@code --rounds} rounds in which, query by query, the servers come in a fresh
 * random order and each gets {@code --repeat} timed requests; every timed request ends when the
 * whole body has been read and checksummed (CRC32C). The figure per query is the median over
 * rounds of each round's median; the lowest and highest round median are reported beside it.
 * Before, compare.sh started this runner as a fresh JVM per server (and the lab scripts one per
 * server per round) with 20 + 20 requests per query: the client's own body reading then ran
 * largely in the interpreter and added ~1.2 ms to both servers on the 270 KB {@code max_over_time}
 * range answer, which pulled that ratio toward 1 (bench/README.md, "branch query5"). The client
 * path is the same code for every server.
 *
 * <p>Output with {@code --out-dir}: {@code DIR/<server>/queries.json} (the shape
 * {@link CompareReport} reads, plus per-query round figures), {@code DIR/<server>/results/<query>-<kind>.txt}
 * (the last answer's full-precision points, for {@link ResultCompare} / {@code cmpres.py}) and
 * {@code DIR/table.md} (per query: each server's median, ratio to the baseline, round range).
 *
 * <p>The digest (16 hex characters of SHA-256) is over the result rendered canonically: one line
 * per point, {@code {sorted labels} ms value}, values rounded to 6 significant digits, lines
 * sorted. Two servers that agree on the result get the same digest regardless of series order or
 * float formatting. An error answer has digest {@code error:<errorType>}. Values one ulp apart
 * can still round differently (a value on a rounding boundary), so the results files hold each
 * result's full-precision points for {@link ResultCompare}, which compares within a relative
 * tolerance.
 */
public final class QuerySetRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Figures of one query in one mode on one server. */
    public record Outcome(String name, String kind, double medianMs, double p90Ms, double minRoundMs,
            double maxRoundMs, double[] roundMediansMs, String digest, int series, long bytes, int errors,
            int bodyChanges, String error) {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "url", "servers", "start-ms", "end-ms", "step", "repeat", "rounds", "warmup-passes",
                "seed", "json-out", "results-dir", "out-dir", "baseline", "client");
        long end = a.getLong("end-ms", System.currentTimeMillis());
        long start = a.getLong("start-ms", end - 3_600_000L);
        long step = a.getMillis("step", 15_000);
        int repeat = a.getInt("repeat", 20);
        int rounds = a.getInt("rounds", 5);
        int warmupPasses = a.getInt("warmup-passes", 20);
        long seed = a.getLong("seed", System.nanoTime());
        String clientKind = a.get("client", "socket");
        if (!clientKind.equals("socket") && !clientKind.equals("jdk")) {
            throw new IllegalArgumentException("--client must be socket or jdk, got " + clientKind);
        }
        Map<String, String> servers = new LinkedHashMap<>();
        if (a.get("servers", null) != null) {
            for (String s : a.get("servers", null).split(",")) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--servers wants name=url,...; got " + s);
                }
                servers.put(s.substring(0, eq), s.substring(eq + 1));
            }
        } else {
            servers.put("server", a.get("url", "http://127.0.0.1:9090"));
        }
        List<QueryRounds.Target> targets = new ArrayList<>();
        for (Map.Entry<String, String> e : servers.entrySet()) {
            URI base = URI.create(e.getValue());
            targets.add(new QueryRounds.Target(e.getKey(), clientKind.equals("jdk") ? jdkSender(base) : socketSender(base)));
        }
        List<QueryRounds.Request> requests = requests(start, end, step);
        System.out.printf(Locale.ROOT, "query set: %d servers, %d warm-up passes, %d rounds x %d requests per query, seed %d%n",
                targets.size(), warmupPasses, rounds, repeat, seed);
        long t0 = System.nanoTime();
        QueryRounds.Cell[][] cells = new QueryRounds(targets, requests, warmupPasses, rounds, repeat, seed,
                System::nanoTime).run();
        System.out.printf(Locale.ROOT, "query set: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String outDir = a.get("out-dir", null);
        Map<String, List<Outcome>> byServer = new LinkedHashMap<>();
        for (int t = 0; t < targets.size(); t++) {
            String name = targets.get(t).name();
            String resultsDir = outDir != null ? Path.of(outDir, name, "results").toString() : a.get("results-dir", null);
            String jsonOut = outDir != null ? Path.of(outDir, name, "queries.json").toString() : a.get("json-out", null);
            List<Outcome> outcomes = new ArrayList<>();
            Latencies all = new Latencies();
            for (int j = 0; j < requests.size(); j++) {
                outcomes.add(outcome(requests.get(j), cells[t][j], resultsDir));
                if (cells[t][j].errors == 0) {
                    all.addAll(cells[t][j].all);
                }
            }
            byServer.put(name, outcomes);
            System.out.println("== " + name + " " + servers.get(name));
            for (Outcome o : outcomes) {
                System.out.printf(Locale.ROOT, "%-20s %-8s median_ms=%8.2f rounds=%.2f-%.2f p90_ms=%8.2f series=%6d bytes=%8d digest=%s%s%n",
                        o.name(), o.kind(), o.medianMs(), o.minRoundMs(), o.maxRoundMs(), o.p90Ms(), o.series(),
                        o.bytes(), o.digest(), o.error() == null ? "" : " error=" + o.error());
            }
            if (jsonOut != null) {
                Path p = Path.of(jsonOut);
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                Files.writeString(p, json(clientKind, all, outcomes, rounds, repeat, warmupPasses, seed), StandardCharsets.UTF_8);
            }
        }
        if (targets.size() > 1) {
            String baseline = a.get("baseline", servers.containsKey("prometheus") ? "prometheus" : targets.get(0).name());
            String table = table(byServer, baseline);
            System.out.print(table);
            if (outDir != null) {
                Files.writeString(Path.of(outDir, "table.md"), table, StandardCharsets.UTF_8);
            }
        }
    }

    /** The set as requests: each query instant at {@code end}, then as a range over [start, end]. */
    static List<QueryRounds.Request> requests(long start, long end, long step) {
        List<QueryRounds.Request> out = new ArrayList<>();
        for (QuerySet.Query q : QuerySet.QUERIES) {
            out.add(new QueryRounds.Request(q.name(), "instant", "/api/v1/query",
                    "query=" + enc(q.expr()) + "&time=" + seconds(end)));
            out.add(new QueryRounds.Request(q.name(), "range", "/api/v1/query_range",
                    "query=" + enc(q.expr()) + "&start=" + seconds(start) + "&end=" + seconds(end) + "&step=" + seconds(step)));
        }
        return out;
    }

    /**
     * The per-query table: baseline median, then per other server its median, ratio to the
     * baseline (bold when ≤ 0.5) and round range; then per server the count of queries ≤ 0.5×.
     */
    static String table(Map<String, List<Outcome>> byServer, String baseline) {
        List<Outcome> base = byServer.get(baseline);
        if (base == null) {
            throw new IllegalArgumentException("no server named " + baseline);
        }
        List<String> others = new ArrayList<>(byServer.keySet());
        others.remove(baseline);
        StringBuilder sb = new StringBuilder();
        sb.append("| query | kind | ").append(baseline).append(" ms | ").append(baseline).append(" rounds |");
        for (String o : others) {
            sb.append(' ').append(o).append(" ms | ").append(o).append('/').append(baseline).append(" | ")
                    .append(o).append(" rounds |");
        }
        sb.append("\n|:--|:--|--:|:--|");
        for (int i = 0; i < others.size(); i++) {
            sb.append("--:|--:|:--|");
        }
        sb.append('\n');
        int[] met = new int[others.size()];
        double[][] ratios = new double[others.size()][base.size()];
        for (int j = 0; j < base.size(); j++) {
            Outcome b = base.get(j);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f–%.2f |", b.name(), b.kind(), b.medianMs(),
                    b.minRoundMs(), b.maxRoundMs()));
            for (int k = 0; k < others.size(); k++) {
                Outcome o = byServer.get(others.get(k)).get(j);
                double r = o.medianMs() / b.medianMs();
                ratios[k][j] = r;
                met[k] += r <= 0.5 ? 1 : 0;
                String rs = String.format(Locale.ROOT, "%.2f", r);
                sb.append(String.format(Locale.ROOT, " %.2f | %s | %.2f–%.2f |", o.medianMs(),
                        r <= 0.5 ? "**" + rs + "**" : rs, o.minRoundMs(), o.maxRoundMs()));
            }
            sb.append('\n');
        }
        for (int k = 0; k < others.size(); k++) {
            sb.append(String.format(Locale.ROOT, "%s: <= 0.5x %s on %d of %d, median ratio %.2f%n", others.get(k),
                    baseline, met[k], base.size(), QueryRounds.median(ratios[k])));
        }
        return sb.toString();
    }

    static Outcome outcome(QueryRounds.Request req, QueryRounds.Cell c, String resultsDir) {
        String digest;
        int series = 0;
        String error = c.lastError;
        try {
            JsonNode root = c.lastBody == null ? null : JSON.readTree(c.lastBody);
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
                    Files.createDirectories(Path.of(resultsDir));
                    Files.write(Path.of(resultsDir, req.name() + "-" + req.kind() + ".txt"),
                            ResultCompare.canonicalLines(root.path("data")), StandardCharsets.UTF_8);
                }
            }
        } catch (Exception e) {
            digest = "error:unparsable";
            error = e.getClass().getSimpleName();
        }
        int timed = c.all.count() + c.errors;
        return new Outcome(req.name(), req.kind(), c.medianMs(), c.all.percentileMillis(90), c.minRoundMs(),
                c.maxRoundMs(), c.roundMedianMs.clone(), digest, series, timed == 0 ? 0 : c.bytesRead / timed,
                c.errors, c.bodyChanges, c.errors == 0 && !digest.startsWith("error:") ? null : error);
    }

    private static String json(String clientKind, Latencies all, List<Outcome> outcomes, int rounds, int repeat,
            int warmupPasses, long seed) {
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT,
                "{\"client\":\"%s\",\"warmup_passes\":%d,\"rounds\":%d,\"repeat\":%d,\"seed\":%d,"
                        + "\"median_ms\":%.3f,\"p90_ms\":%.3f,\"queries\":[",
                clientKind, warmupPasses, rounds, repeat, seed, all.percentileMillis(50), all.percentileMillis(90)));
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            StringBuilder rm = new StringBuilder();
            for (double v : o.roundMediansMs()) {
                rm.append(rm.length() == 0 ? "" : ",").append(Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v));
            }
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"name\":\"%s\",\"kind\":\"%s\",\"median_ms\":%s,\"p90_ms\":%s,\"round_min_ms\":%s,"
                            + "\"round_max_ms\":%s,\"round_medians_ms\":[%s],\"series\":%d,\"bytes\":%d,\"errors\":%d,"
                            + "\"body_changes\":%d,\"digest\":\"%s\"}",
                    o.name(), o.kind(), num(o.medianMs()), num(o.p90Ms()), num(o.minRoundMs()), num(o.maxRoundMs()), rm,
                    o.series(), o.bytes(), o.errors(), o.bodyChanges(), o.digest()));
        }
        return json.append("]}\n").toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Sends one form POST to a path of the server and returns after reading the whole body. */
    @FunctionalInterface
    interface Sender {
        KeepAliveClient.Response post(String path, String form) throws java.io.IOException, InterruptedException;
    }

    /** The default: {@link KeepAliveClient}, one warm keep-alive connection. */
    static Sender socketSender(URI base) {
        KeepAliveClient c = new KeepAliveClient(base, 120_000);
        return (path, form) -> c.post(path, form, "Grafana/sextant-bench");
    }

    /** {@code --client=jdk}: the JDK's HttpClient (the runner's client before 2026-11-26 14:00). */
    static Sender jdkSender(URI base) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return (path, form) -> {
            HttpRequest req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("User-Agent", "Grafana/sextant-bench")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new KeepAliveClient.Response(resp.statusCode(), resp.body());
        };
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
