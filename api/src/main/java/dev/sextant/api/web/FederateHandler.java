package dev.sextant.api.web;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.json.PromFormat;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /federate?match[]=…}: for each series matching any selector, its newest sample in
 * {@code (now - lookback, now]} (none when that sample is a staleness marker), sorted by labels and
 * written in the text exposition format 0.0.4 with the stored timestamp, as {@code untyped}. External
 * labels are added where the series lacks them; a series without {@code instance} gets {@code
 * instance=""}, as Prometheus does, so a federating server does not overwrite it with its own.
 */
public final class FederateHandler implements Handler {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Queryable storage;
    private final LongSupplier clock;
    private final long lookbackMs;
    private final Supplier<Labels> externalLabels;

    public FederateHandler(Queryable storage, LongSupplier clock, long lookbackMs, Supplier<Labels> externalLabels) {
        this.storage = storage;
        this.clock = clock;
        this.lookbackMs = lookbackMs;
        this.externalLabels = externalLabels;
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        List<Matcher[]> selectors = new ArrayList<>();
        for (String s : request.params("match[]")) {
            try {
                Expr e = QueryParser.parse(s);
                if (!(e instanceof VectorSelector v)) {
                    return ApiResponse.text(400, "parse error: " + s + " is not a series selector\n");
                }
                selectors.add(v.matchers().toArray(new Matcher[0]));
            } catch (ParseException e) {
                return ApiResponse.text(400, e.getMessage() + "\n");
            }
        }
        long now = clock.getAsLong();
        long mint = now - lookbackMs + 1;
        Map<Labels, long[]> latestT = new HashMap<>();
        Map<Labels, double[]> latestV = new HashMap<>();
        try (Querier q = storage.querier(mint, now)) {
            SampleIterator reuse = null;
            for (Matcher[] ms : selectors) {
                SeriesSet set = q.select(false, null, ms);
                while (set.next()) {
                    Labels l = set.at().labels();
                    if (latestT.containsKey(l)) {
                        continue;
                    }
                    SampleIterator it = set.at().iterator(reuse);
                    reuse = it;
                    long t = Long.MIN_VALUE;
                    double v = 0;
                    while (it.next()) {
                        if (it.atT() > now) {
                            break;
                        }
                        t = it.atT();
                        v = it.atV();
                    }
                    if (t != Long.MIN_VALUE && !StaleNaN.isStale(v)) {
                        latestT.put(l, new long[] {t});
                        latestV.put(l, new double[] {v});
                    }
                }
            }
        }
        List<Labels> series = new ArrayList<>(latestT.keySet());
        series.sort(null);
        Labels external = externalLabels.get();
        StringBuilder sb = new StringBuilder(series.size() * 96);
        String lastName = null;
        for (Labels l : series) {
            String name = escapeName(l.metricName());
            if (!name.equals(lastName)) {
                sb.append("# TYPE ").append(name).append(" untyped\n");
                lastName = name;
            }
            sb.append(name).append('{');
            // Series labels, then external labels the series lacks, and instance="" when absent.
            TreeMap<String, String> out = new TreeMap<>();
            for (int i = 0; i < external.size(); i++) {
                out.put(external.name(i), external.value(i));
            }
            out.putIfAbsent("instance", "");
            for (int i = 0; i < l.size(); i++) {
                out.put(l.name(i), l.value(i));
            }
            out.remove(Labels.METRIC_NAME);
            boolean first = true;
            for (Map.Entry<String, String> e : out.entrySet()) {
                first = label(sb, first, e.getKey(), e.getValue());
            }
            sb.append("} ").append(PromFormat.goG(latestV.get(l)[0])).append(' ').append(latestT.get(l)[0]).append('\n');
        }
        return new ApiResponse(200, CONTENT_TYPE, Map.of(), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A name as text format 0.0.4 can carry it: legacy names as they are, any other (UTF-8 names
     * arrive by remote write) with Prometheus's "underscores" escaping, each character outside
     * {@code [a-zA-Z0-9_:]} (or a leading digit) becoming {@code _}. Written raw, a name holding a
     * quote, brace, space or newline would forge labels or whole sample lines.
     */
    static String escapeName(String name) {
        if (isLegacy(name)) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        int i = 0;
        for (int off = 0; off < name.length(); ) {
            int cp = name.codePointAt(off);
            off += Character.charCount(cp);
            sb.append(legacyRune(cp, i++) ? (char) cp : '_');
        }
        return sb.length() == 0 ? "_" : sb.toString();
    }

    private static boolean isLegacy(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!legacyRune(name.charAt(i), i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean legacyRune(int c, int i) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (c >= '0' && c <= '9' && i > 0);
    }

    private static boolean label(StringBuilder sb, boolean first, String name, String value) {
        if (!first) {
            sb.append(',');
        }
        sb.append(escapeName(name)).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        sb.append('"');
        return false;
    }
}
