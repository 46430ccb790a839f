package dev.sextant.bench.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a rule file of recording rules of the kind real setups have, over the {@link SeriesModel}
 * population: {@code sum by (<labels>) (rate(<counter>[5m]))} for every counter-like family (60
 * counters, the 10 histograms' {@code _count} and {@code _sum}, and their {@code _bucket} series
 * with {@code le} kept in the grouping) under a rotation of groupings, split into groups of 20
 * rules like a real rule file. Issue #7's workload is 1,000 rules evaluated every 15 s.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.RecordingRules --out=rules.yml [--rules=1000]
 * [--per-group=20] [--interval=15s]}. {@code --rules=0} writes a file with no groups (for the idle
 * phase of a measurement).
 */
public final class RecordingRules {
    /** Groupings rotated over the families: the labels real dashboards aggregate by. */
    static final String[][] GROUPINGS = {
        {"job"}, {"namespace"}, {"job", "namespace"}, {"cluster"}, {"region"}, {"env"}, {"cluster", "region"},
        {"instance"}, {"pod"}, {"job", "env"}, {"namespace", "region"}, {"job", "cluster"},
    };

    private RecordingRules() {}

    /** The metric names whose rate is meaningful, in a fixed order. */
    static List<String> counterMetrics() {
        String[] families = SeriesModel.familyNames();
        List<String> out = new ArrayList<>();
        for (int f = 0; f < SeriesModel.COUNTER_FAMILIES; f++) {
            out.add(families[f]);
        }
        int h0 = SeriesModel.COUNTER_FAMILIES + SeriesModel.GAUGE_FAMILIES;
        for (String suffix : new String[] {"_count", "_sum", "_bucket"}) {
            for (int h = 0; h < SeriesModel.HISTOGRAM_FAMILIES; h++) {
                out.add(families[h0 + h] + suffix);
            }
        }
        return out;
    }

    /** The rule file's text: {@code rules} recording rules in groups of {@code perGroup}. */
    public static String render(int rules, int perGroup, String interval) {
        if (rules == 0) {
            return "groups: []\n";
        }
        List<String> metrics = counterMetrics();
        StringBuilder sb = new StringBuilder("groups:\n");
        for (int i = 0; i < rules; i++) {
            if (i % perGroup == 0) {
                sb.append("  - name: bench-").append(i / perGroup).append('\n');
                sb.append("    interval: ").append(interval).append('\n');
                sb.append("    rules:\n");
            }
            String metric = metrics.get(i % metrics.size());
            String[] grouping = GROUPINGS[(i / metrics.size()) % GROUPINGS.length];
            String by = String.join(", ", grouping);
            String suffix = String.join("_", grouping);
            if (metric.endsWith("_bucket")) {
                by = "le, " + by;
                suffix = "le_" + suffix;
            }
            String base = metric.endsWith("_total") ? metric.substring(0, metric.length() - "_total".length()) : metric;
            // Rule i's name is unique: the rotation of groupings repeats only after all of them.
            String record = suffix + ":" + base + ":rate5m" + (i >= metrics.size() * GROUPINGS.length ? "_" + i : "");
            sb.append("      - record: ").append(record).append('\n');
            sb.append("        expr: sum by (").append(by).append(") (rate(").append(metric).append("[5m]))\n");
        }
        return sb.toString();
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "out", "rules", "per-group", "interval");
        String out = a.get("out", null);
        if (out == null) {
            throw new IllegalArgumentException("--out=<file> is required");
        }
        int rules = a.getInt("rules", 1000);
        int perGroup = a.getInt("per-group", 20);
        String interval = a.get("interval", "15s");
        Files.writeString(Path.of(out), render(rules, perGroup, interval), StandardCharsets.UTF_8);
        System.out.printf("wrote %d recording rules in %d groups to %s%n", rules, (rules + perGroup - 1) / perGroup, out);
    }
}
