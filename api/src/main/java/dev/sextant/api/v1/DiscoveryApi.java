package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.Handler;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Targets, scrape pools and metric metadata. */
public final class DiscoveryApi {
    private final TargetsView targets;

    public DiscoveryApi(TargetsView targets) {
        this.targets = targets;
    }

    /** {@code GET /api/v1/targets?state=active|dropped|any&scrapePool=job}. */
    public Handler targets() {
        return request -> {
            String state = request.param("state");
            String pool = request.param("scrapePool");
            boolean active = state == null || state.isEmpty() || state.equalsIgnoreCase("any")
                    || state.equalsIgnoreCase("active") || !isKnownState(state);
            boolean dropped = state == null || state.isEmpty() || state.equalsIgnoreCase("any")
                    || state.equalsIgnoreCase("dropped") || !isKnownState(state);
            return Envelope.success(out -> {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeArrayFieldStart("activeTargets");
                if (active) {
                    for (TargetsView.ActiveTarget t : targets.activeTargets()) {
                        if (pool != null && !pool.isEmpty() && !pool.equals(t.scrapePool())) {
                            continue;
                        }
                        g.writeStartObject();
                        labels(g, "discoveredLabels", t.discoveredLabels());
                        labels(g, "labels", t.labels());
                        g.writeStringField("scrapePool", t.scrapePool());
                        g.writeStringField("scrapeUrl", t.scrapeUrl());
                        g.writeStringField("globalUrl", t.globalUrl());
                        g.writeStringField("lastError", t.lastError());
                        g.writeStringField("lastScrape", t.lastScrape());
                        g.writeNumberField("lastScrapeDuration", t.lastScrapeDuration());
                        g.writeStringField("health", t.health());
                        g.writeStringField("scrapeInterval", t.scrapeInterval());
                        g.writeStringField("scrapeTimeout", t.scrapeTimeout());
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                g.writeArrayFieldStart("droppedTargets");
                if (dropped) {
                    for (TargetsView.DroppedTarget t : targets.droppedTargets()) {
                        if (pool != null && !pool.isEmpty() && !pool.equals(t.scrapePool())) {
                            continue;
                        }
                        g.writeStartObject();
                        labels(g, "discoveredLabels", t.discoveredLabels());
                        g.writeStringField("scrapePool", t.scrapePool());
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
                g.writeObjectFieldStart("droppedTargetCounts");
                for (Map.Entry<String, Integer> e : targets.droppedTargetCounts().entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            });
        };
    }

    /** {@code GET /api/v1/scrape_pools}. */
    public Handler scrapePools() {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("scrapePools");
            for (String p : targets.scrapePools()) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code GET /api/v1/targets/metadata?match_target=…&metric=…&limit=…}. */
    public Handler targetMetadata() {
        return request -> QueryApi.guarded(() -> {
            Matcher[] matchTarget = targetMatchers(request);
            String metric = request.param("metric");
            int limit = Limit.of(request);
            List<TargetsView.TargetMetadata> out = new ArrayList<>();
            Set<Labels> seenTargets = new LinkedHashSet<>();
            for (TargetsView.TargetMetadata m : targets.metadata()) {
                if (metric != null && !metric.isEmpty() && !metric.equals(m.metric())) {
                    continue;
                }
                if (!matchesAll(m.target(), matchTarget)) {
                    continue;
                }
                if (limit > 0 && !seenTargets.contains(m.target()) && seenTargets.size() >= limit) {
                    continue;
                }
                seenTargets.add(m.target());
                out.add(m);
            }
            boolean withMetric = metric == null || metric.isEmpty();
            return Envelope.success(o -> {
                JsonGenerator g = o.gen();
                g.writeStartArray();
                for (TargetsView.TargetMetadata m : out) {
                    g.writeStartObject();
                    labels(g, "target", m.target());
                    if (withMetric) {
                        g.writeStringField("metric", m.metric());
                    }
                    g.writeStringField("type", m.type());
                    g.writeStringField("help", m.help());
                    g.writeStringField("unit", m.unit());
                    g.writeEndObject();
                }
                g.writeEndArray();
            });
        });
    }

    /** {@code GET /api/v1/metadata?limit=&limit_per_metric=&metric=}. */
    public Handler metadata() {
        return request -> QueryApi.guarded(() -> {
            int limit = intParam(request, "limit");
            int perMetric = intParam(request, "limit_per_metric");
            String metric = request.param("metric");
            Map<String, Set<List<String>>> byMetric = new LinkedHashMap<>();
            for (TargetsView.TargetMetadata m : targets.metadata()) {
                if (metric != null && !metric.isEmpty() && !metric.equals(m.metric())) {
                    continue;
                }
                Set<List<String>> set = byMetric.get(m.metric());
                if (set == null) {
                    if (limit > 0 && byMetric.size() >= limit) {
                        continue;
                    }
                    set = new LinkedHashSet<>();
                    byMetric.put(m.metric(), set);
                }
                if (perMetric > 0 && set.size() >= perMetric) {
                    continue;
                }
                set.add(List.of(m.type(), m.help(), m.unit()));
            }
            return Envelope.success(o -> {
                JsonGenerator g = o.gen();
                g.writeStartObject();
                for (Map.Entry<String, Set<List<String>>> e : byMetric.entrySet()) {
                    g.writeArrayFieldStart(e.getKey());
                    for (List<String> md : e.getValue()) {
                        g.writeStartObject();
                        g.writeStringField("type", md.get(0));
                        g.writeStringField("help", md.get(1));
                        g.writeStringField("unit", md.get(2));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            });
        });
    }

    private static int intParam(ApiRequest r, String name) throws ApiException {
        String v = r.param(name);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorType.BAD_DATA, name + " must be a number");
        }
    }

    private static Matcher[] targetMatchers(ApiRequest r) throws ApiException {
        String s = r.param("match_target");
        if (s == null || s.isEmpty()) {
            return new Matcher[0];
        }
        try {
            Expr e = QueryParser.parse(s);
            if (e instanceof VectorSelector v) {
                return v.matchers().toArray(new Matcher[0]);
            }
            throw ApiException.invalidParam("match_target", "not a label selector: " + s);
        } catch (ParseException e) {
            throw ApiException.invalidParam("match_target", e.getMessage());
        }
    }

    private static boolean matchesAll(Labels l, Matcher[] ms) {
        for (Matcher m : ms) {
            if (!m.matches(l.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKnownState(String s) {
        return s.equalsIgnoreCase("active") || s.equalsIgnoreCase("dropped") || s.equalsIgnoreCase("any");
    }

    static void labels(JsonGenerator g, String field, Labels l) throws IOException {
        g.writeObjectFieldStart(field);
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
        g.writeEndObject();
    }
}
