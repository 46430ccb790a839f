package dev.sextant.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembles what {@code bench/compare.sh} measured into one table with ratios against Prometheus
 * and one JSON document.
 *
 * <p>Input, under {@code --dir}: {@code meta.tsv} (key, value: date, machine, versions...) and,
 * per server, {@code <server>/metrics.tsv} (key, value, as measured from outside by the script),
 * {@code <server>/load.json} ({@link RemoteWriteLoad}) and, for the query workload,
 * {@code <server>/queries.json} ({@link QuerySetRunner}).
 *
 * <p>Usage: {@code ... CompareReport --workload=remote-write-100k --dir=DIR
 * --servers=sextant,prometheus,victoria-metrics --json-out=bench/results/x.json}
 */
public final class CompareReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String BASELINE = "prometheus";

    /** A table row: label, key in the per-server figures, number format. */
    private record Row(String label, String key, String format) {}

    private static final List<Row> ROWS = List.of(
            new Row("ABORTED: MemAvailable MiB when killed", "aborted_low_memory_mib", "%.0f"),
            new Row("client samples/s", "samples_per_s", "%.0f"),
            new Row("samples written", "samples_ok", "%.0f"),
            new Row("scrapes served in the window", "scrapes_served", "%.0f"),
            new Row("scrapes expected in the window", "scrapes_expected", "%.0f"),
            new Row("scraped samples/s", "scraped_samples_per_s", "%.0f"),
            new Row("samples failed", "samples_failed", "%.0f"),
            new Row("remote-write p50 ms", "write_p50_ms", "%.1f"),
            new Row("remote-write p99 ms", "write_p99_ms", "%.1f"),
            new Row("warm-up pass: samples written", "warmup_samples_ok", "%.0f"),
            new Row("warm-up pass (fresh server): CPU-s per 1M", "warmup_cpu_s_per_million", "%.2f"),
            new Row("warm-up pass: JIT compiler threads CPU-s", "warmup_jit_cpu_s", "%.2f"),
            new Row("server CPU-s per 1M samples", "cpu_s_per_million", "%.2f"),
            new Row("server CPU-s in the window", "server_cpu_s", "%.2f"),
            new Row("of which JIT compiler threads CPU-s", "jit_cpu_s", "%.2f"),
            new Row("of which GC and VM threads CPU-s", "gc_cpu_s", "%.2f"),
            new Row("peak RSS MiB (VmHWM)", "peak_rss_mib", "%.0f"),
            new Row("RSS per active series KiB", "rss_per_series_kib", "%.2f"),
            new Row("RSS growth per series KiB", "rss_growth_per_series_kib", "%.2f"),
            new Row("disk bytes per sample", "disk_bytes_per_sample", "%.2f"),
            new Row("disk bytes per sample (warm-up included)", "disk_bytes_per_sample_all", "%.2f"),
            new Row("query median ms (answered)", "query_median_ms", "%.2f"),
            new Row("query p90 ms (answered)", "query_p90_ms", "%.2f"),
            new Row("common queries: sum of medians ms", "common_query_median_sum_ms", "%.2f"),
            new Row("common queries (all servers answered)", "common_queries", "%.0f"),
            new Row("queries answered", "queries_ok", "%.0f"),
            new Row("results same as Prometheus (1e-9 rel.)", "queries_same_as_prometheus", "%.0f"),
            new Row("backfill: input samples", "input_samples", "%.0f"),
            new Row("backfill: wall s", "backfill_wall_s", "%.1f"),
            new Row("backfill: CPU-s (user+sys)", "backfill_cpu_s", "%.1f"),
            new Row("backfill: CPU-s per 1M samples", "backfill_cpu_s_per_million", "%.2f"),
            new Row("backfill: samples/s (wall)", "backfill_samples_per_s", "%.0f"),
            new Row("backfill: peak RSS MiB", "backfill_peak_rss_mib", "%.0f"),
            new Row("backfill: blocks written", "blocks", "%.0f"),
            new Row("backfill: disk bytes per sample", "blocks_bytes_per_sample", "%.3f"),
            new Row("backfill: samples in dump", "dump_samples", "%.0f"),
            new Row("backfill: dump lines differing from promtool's", "dump_lines_differing", "%.0f"),
            new Row("backfill: same, le/quantile canonicalised", "dump_lines_differing_canonical", "%.0f"),
            new Row("compacted: blocks after", "compacted_blocks", "%.0f"),
            new Row("compacted: samples in level>=2 blocks", "compacted_samples", "%.0f"),
            new Row("compacted: disk bytes per sample (level>=2)", "compacted_bytes_per_sample", "%.3f"),
            new Row("compacted: dump same as before (1 = yes)", "compacted_dump_same", "%.0f"),
            new Row("rules loaded", "rules_loaded", "%.0f"),
            new Row("rules healthy at the end", "rules_healthy", "%.0f"),
            new Row("recorded series at the end", "recorded_series", "%.0f"),
            new Row("rule rounds measured", "rule_rounds", "%.1f"),
            new Row("idle CPU-s per 15 s", "idle_cpu_s_per_15s", "%.3f"),
            new Row("rule CPU-s per round (minus idle)", "rule_cpu_s_per_round", "%.3f"));

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv, "workload", "dir", "servers", "json-out");
        Path dir = Path.of(a.get("dir", "."));
        String[] servers = a.get("servers", "sextant,prometheus,victoria-metrics").split(",");
        ObjectNode doc = JSON.createObjectNode();
        doc.put("workload", a.get("workload", "?"));
        ObjectNode meta = doc.putObject("meta");
        readTsv(dir.resolve("meta.tsv")).forEach(meta::put);
        ObjectNode byServer = doc.putObject("servers");
        Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
        Map<String, JsonNode> queries = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (String s : servers) {
            Map<String, Double> f = new LinkedHashMap<>();
            Path sd = dir.resolve(s);
            for (Map.Entry<String, String> e : readTsv(sd.resolve("metrics.tsv")).entrySet()) {
                if (e.getKey().equals("note")) {
                    notes.put(s, e.getValue());
                } else {
                    f.put(e.getKey(), parse(e.getValue()));
                }
            }
            if (Files.exists(sd.resolve("load.json"))) {
                JsonNode load = JSON.readTree(sd.resolve("load.json").toFile());
                f.put("samples_per_s", load.path("samples_per_s").asDouble());
                f.put("samples_ok", load.path("samples_ok").asDouble());
                f.put("samples_failed", load.path("samples_failed").asDouble());
                f.put("write_p50_ms", load.path("p50_ms").asDouble());
                f.put("write_p99_ms", load.path("p99_ms").asDouble());
                byServer.putObject(s).set("load", load);
            }
            if (Files.exists(sd.resolve("queries.json"))) {
                JsonNode q = JSON.readTree(sd.resolve("queries.json").toFile());
                queries.put(s, q);
                f.put("query_median_ms", q.path("median_ms").asDouble());
                f.put("query_p90_ms", q.path("p90_ms").asDouble());
                int ok = 0;
                for (JsonNode one : q.path("queries")) {
                    ok += one.path("digest").asText().startsWith("error:") ? 0 : 1;
                }
                f.put("queries_ok", (double) ok);
            }
            figures.put(s, f);
        }
        commonQueries(queries, figures);
        JsonNode base = queries.get(BASELINE);
        if (base != null) {
            for (Map.Entry<String, JsonNode> e : queries.entrySet()) {
                int same = 0;
                List<String> differing = new ArrayList<>();
                JsonNode mine = e.getValue().path("queries");
                for (int i = 0; i < mine.size() && i < base.path("queries").size(); i++) {
                    String d = mine.get(i).path("digest").asText();
                    String key = mine.get(i).path("name").asText() + "-" + mine.get(i).path("kind").asText();
                    Path pa = dir.resolve(e.getKey()).resolve("results").resolve(key + ".txt");
                    Path pb = dir.resolve(BASELINE).resolve("results").resolve(key + ".txt");
                    boolean ok;
                    if (d.startsWith("error:")) {
                        ok = false;
                    } else if (Files.exists(pa) && Files.exists(pb)) {
                        // Within 1e-9 relative: the digest alone flips on values at a rounding boundary.
                        List<String> la = Files.readAllLines(pa, StandardCharsets.UTF_8);
                        List<String> lb = Files.readAllLines(pb, StandardCharsets.UTF_8);
                        String diff = ResultCompare.difference(la, lb);
                        ((ObjectNode) mine.get(i)).put("max_rel_error_vs_prometheus", ResultCompare.maxRelativeError(la, lb));
                        if (diff != null) {
                            ((ObjectNode) mine.get(i)).put("difference_from_prometheus", diff);
                        }
                        ok = diff == null;
                    } else {
                        ok = d.equals(base.path("queries").get(i).path("digest").asText());
                    }
                    if (ok) {
                        same++;
                    } else {
                        differing.add(mine.get(i).path("name").asText() + "/" + mine.get(i).path("kind").asText());
                    }
                }
                figures.get(e.getKey()).put("queries_same_as_prometheus", (double) same);
                ObjectNode sn = byServer.has(e.getKey()) ? (ObjectNode) byServer.get(e.getKey()) : byServer.putObject(e.getKey());
                sn.set("queries", e.getValue());
                sn.putPOJO("queries_differing_from_prometheus", differing);
            }
        }
        // Table.
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("metric"));
        for (String s : servers) {
            header.add(s);
        }
        for (String s : servers) {
            if (!s.equals(BASELINE)) {
                header.add(s + "/prom");
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        ObjectNode ratios = doc.putObject("ratios_vs_prometheus");
        for (Row r : ROWS) {
            boolean any = false;
            List<String> cells = new ArrayList<>(List.of(r.label()));
            for (String s : servers) {
                Double v = figures.get(s).get(r.key());
                any |= v != null;
                cells.add(v == null || v.isNaN() ? (notes.containsKey(s) ? "n/a" : "-") : String.format(Locale.ROOT, r.format(), v));
            }
            Double b = figures.getOrDefault(BASELINE, Map.of()).get(r.key());
            for (String s : servers) {
                if (s.equals(BASELINE)) {
                    continue;
                }
                Double v = figures.get(s).get(r.key());
                if (v == null || b == null || b == 0 || v.isNaN() || b.isNaN()) {
                    cells.add("-");
                } else {
                    cells.add(String.format(Locale.ROOT, "%.2f", v / b));
                    ratios.with(s).put(r.key(), v / b);
                }
            }
            if (any) {
                rows.add(cells);
            }
        }
        int[] width = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (int ri = 0; ri < rows.size(); ri++) {
            List<String> row = rows.get(ri);
            out.append('|');
            for (int i = 0; i < row.size(); i++) {
                String c = row.get(i);
                out.append(' ').append(i == 0 ? pad(c, width[i], false) : pad(c, width[i], true)).append(" |");
            }
            out.append('\n');
            if (ri == 0) {
                out.append('|');
                for (int i = 0; i < row.size(); i++) {
                    out.append(i == 0 ? ":" : "-").append("-".repeat(width[i])).append(i == 0 ? "-|" : ":|");
                }
                out.append('\n');
            }
        }
        for (Map.Entry<String, Map<String, Double>> e : figures.entrySet()) {
            ObjectNode sn = byServer.has(e.getKey()) ? (ObjectNode) byServer.get(e.getKey()) : byServer.putObject(e.getKey());
            ObjectNode fn = sn.putObject("figures");
            e.getValue().forEach(fn::put);
        }
        for (Map.Entry<String, String> e : notes.entrySet()) {
            out.append("\n").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            ObjectNode sn = byServer.has(e.getKey()) ? (ObjectNode) byServer.get(e.getKey()) : byServer.putObject(e.getKey());
            sn.put("note", e.getValue());
        }
        System.out.print(out);
        doc.put("table", out.toString());
        String json = a.get("json-out", null);
        if (json != null) {
            Files.createDirectories(Path.of(json).toAbsolutePath().getParent());
            JSON.writeValue(Path.of(json).toFile(), doc);
            System.out.println("wrote " + json);
        }
    }

    /**
     * Sums, per server, the median latency of the queries that every server answered, so that a
     * server is not flattered by quick errors nor penalised for answering more.
     */
    private static void commonQueries(Map<String, JsonNode> queries, Map<String, Map<String, Double>> figures) {
        if (queries.isEmpty()) {
            return;
        }
        java.util.Set<String> common = null;
        for (JsonNode q : queries.values()) {
            java.util.Set<String> ok = new java.util.HashSet<>();
            for (JsonNode one : q.path("queries")) {
                if (!one.path("digest").asText().startsWith("error:")) {
                    ok.add(one.path("name").asText() + "/" + one.path("kind").asText());
                }
            }
            if (common == null) {
                common = ok;
            } else {
                common.retainAll(ok);
            }
        }
        for (Map.Entry<String, JsonNode> e : queries.entrySet()) {
            double sum = 0;
            for (JsonNode one : e.getValue().path("queries")) {
                if (common.contains(one.path("name").asText() + "/" + one.path("kind").asText())) {
                    sum += one.path("median_ms").asDouble();
                }
            }
            figures.get(e.getKey()).put("common_query_median_sum_ms", common.isEmpty() ? Double.NaN : sum);
            figures.get(e.getKey()).put("common_queries", (double) common.size());
        }
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static Double parse(String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Map<String, String> readTsv(Path p) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(p)) {
            return m;
        }
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                m.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return m;
    }
}
