package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.Durations;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.relabel.Relabeler;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns discovered label sets into targets (config-and-rules.md section 7.1): defaults, relabeling,
 * validation, {@code instance}, URL. Stateless; thread-safe.
 */
public final class TargetBuilder {
    private TargetBuilder() {}

    /** The outcome for one discovered label set. Exactly one of target / dropped / error applies. */
    /**
     * @param discovered the labels before relabeling, with the job's defaults added ({@code job},
     *     {@code __scheme__}, ...), as the targets API reports them
     */
    public record Result(Target target, boolean dropped, String error, Labels discovered) {}

    /** Merges group labels under target labels. */
    public static Labels merge(Labels group, Labels target) {
        if (group.isEmpty()) {
            return target;
        }
        LabelsBuilder b = new LabelsBuilder(group);
        for (int i = 0; i < target.size(); i++) {
            b.set(target.name(i), target.value(i));
        }
        return b.build();
    }

    public static Result build(Labels discovered, ScrapeConfig cfg) {
        LabelsBuilder b = new LabelsBuilder(discovered);
        setDefault(b, "job", cfg.jobName());
        setDefault(b, "__scrape_interval__", Durations.format(cfg.scrapeIntervalMs()));
        setDefault(b, "__scrape_timeout__", Durations.format(cfg.scrapeTimeoutMs()));
        setDefault(b, "__metrics_path__", cfg.metricsPath());
        setDefault(b, "__scheme__", cfg.scheme());
        for (Map.Entry<String, List<String>> p : cfg.params().entrySet()) {
            if (!p.getValue().isEmpty()) {
                setDefault(b, "__param_" + p.getKey(), p.getValue().get(0));
            }
        }
        Labels preRelabel = b.build();
        Labels lset = Relabeler.process(preRelabel, cfg.relabelConfigs());
        if (lset == null) {
            return new Result(null, true, null, preRelabel);
        }
        String addr = lset.get("__address__");
        if (addr.isEmpty()) {
            return new Result(null, false, "no address", preRelabel);
        }
        if (addr.contains("/")) {
            return new Result(null, false, "\"" + addr + "\" is not a valid hostname", preRelabel);
        }
        long interval;
        long timeout;
        try {
            interval = Durations.parseMillis(lset.get("__scrape_interval__"));
            timeout = Durations.parseMillis(lset.get("__scrape_timeout__"));
        } catch (IllegalArgumentException e) {
            return new Result(null, false, "error parsing scrape interval or timeout: " + e.getMessage(), preRelabel);
        }
        if (interval == 0) {
            return new Result(null, false, "scrape interval cannot be 0", preRelabel);
        }
        if (timeout == 0) {
            return new Result(null, false, "scrape timeout cannot be 0", preRelabel);
        }
        if (timeout > interval) {
            return new Result(null, false, "scrape timeout cannot be greater than scrape interval (\""
                    + Durations.format(timeout) + "\" > \"" + Durations.format(interval) + "\")", preRelabel);
        }
        LabelsBuilder out = new LabelsBuilder(lset);
        for (int i = 0; i < lset.size(); i++) {
            if (lset.name(i).startsWith("__meta_")) {
                out.delete(lset.name(i));
            }
        }
        if (lset.get("instance").isEmpty()) {
            out.set("instance", addr);
        }
        Labels finalLabels = out.build();
        LabelsBuilder pub = new LabelsBuilder();
        for (int i = 0; i < finalLabels.size(); i++) {
            if (!finalLabels.name(i).startsWith("__")) {
                pub.set(finalLabels.name(i), finalLabels.value(i));
            }
        }
        return new Result(new Target(preRelabel, finalLabels, pub.build(), url(finalLabels, cfg), interval, timeout),
                false, null, preRelabel);
    }

    private static void setDefault(LabelsBuilder b, String name, String value) {
        if (b.get(name).isEmpty()) {
            b.set(name, value);
        }
    }

    /** {@code scheme://address/path?params}, where {@code __param_x} overrides the first value of x. */
    static String url(Labels l, ScrapeConfig cfg) {
        Map<String, List<String>> params = new LinkedHashMap<>(cfg.params());
        for (int i = 0; i < l.size(); i++) {
            String n = l.name(i);
            if (n.startsWith("__param_")) {
                String key = n.substring("__param_".length());
                List<String> old = params.get(key);
                if (old == null || old.isEmpty()) {
                    params.put(key, List.of(l.value(i)));
                } else {
                    java.util.ArrayList<String> copy = new java.util.ArrayList<>(old);
                    copy.set(0, l.value(i));
                    params.put(key, copy);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(l.get("__scheme__")).append("://").append(l.get("__address__"));
        String path = l.get("__metrics_path__");
        if (!path.startsWith("/")) {
            sb.append('/');
        }
        sb.append(path);
        if (!params.isEmpty()) {
            // Go's url.Values.Encode sorts keys.
            java.util.TreeMap<String, List<String>> sorted = new java.util.TreeMap<>(params);
            char sep = path.contains("?") ? '&' : '?';
            for (Map.Entry<String, List<String>> e : sorted.entrySet()) {
                for (String v : e.getValue()) {
                    sb.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                    sep = '&';
                }
            }
        }
        return sb.toString();
    }
}
