package dev.sextant.api.v1;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sextant.api.http.Handler;
import dev.sextant.tsdb.model.Matcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code /api/v1/rules}, {@code /api/v1/alerts}, {@code /api/v1/alertmanagers}. */
public final class RulesApi {
    private final RulesView rules;

    public RulesApi(RulesView rules) {
        this.rules = rules;
    }

    /** {@code GET /api/v1/rules} with Prometheus's filters and group pagination. */
    public Handler rules() {
        return request -> QueryApi.guarded(() -> {
            String type = request.param("type");
            if (type != null && !type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
                throw ApiException.invalidParam("type", "not supported value \"" + type + "\"");
            }
            boolean wantAlerts = type == null || type.isEmpty() || type.equals("alert");
            boolean wantRecords = type == null || type.isEmpty() || type.equals("record");
            Set<String> names = new HashSet<>(request.params("rule_name[]"));
            Set<String> groupNames = new HashSet<>(request.params("rule_group[]"));
            Set<String> files = new HashSet<>(request.params("file[]"));
            boolean excludeAlerts = "true".equals(request.param("exclude_alerts"));
            List<Matcher[]> match = Selectors.parse(request.params("match[]"));
            int groupLimit = 0;
            String gl = request.param("group_limit");
            if (gl != null && !gl.isEmpty()) {
                try {
                    groupLimit = Integer.parseInt(gl);
                } catch (NumberFormatException e) {
                    groupLimit = -1;
                }
                if (groupLimit <= 0) {
                    throw ApiException.invalidParam("group_limit", "group_limit needs to be greater than 0");
                }
            }
            String token = request.param("group_next_token");
            List<RulesView.Group> selected = new ArrayList<>();
            for (RulesView.Group g : rules.groups()) {
                if (!groupNames.isEmpty() && !groupNames.contains(g.name())) {
                    continue;
                }
                if (!files.isEmpty() && !files.contains(g.file())) {
                    continue;
                }
                List<RulesView.Rule> kept = new ArrayList<>();
                for (RulesView.Rule r : g.rules()) {
                    if (r.alerting() ? !wantAlerts : !wantRecords) {
                        continue;
                    }
                    if (!names.isEmpty() && !names.contains(r.name())) {
                        continue;
                    }
                    if (!match.isEmpty() && !matchesAny(r, match)) {
                        continue;
                    }
                    kept.add(r);
                }
                if (!kept.isEmpty()) {
                    selected.add(new RulesView.Group(g.name(), g.file(), g.interval(), g.limit(), g.evaluationTime(),
                            g.lastEvaluation(), kept));
                }
            }
            int from = 0;
            if (token != null && !token.isEmpty()) {
                from = -1;
                for (int i = 0; i < selected.size(); i++) {
                    if (tokenOf(selected.get(i)).equals(token)) {
                        from = i;
                        break;
                    }
                }
                if (from < 0) {
                    throw ApiException.invalidParam("group_next_token", "invalid group_next_token \"" + token + "\"");
                }
            }
            int to = groupLimit > 0 ? Math.min(selected.size(), from + groupLimit) : selected.size();
            List<RulesView.Group> page = selected.subList(from, to);
            String next = to < selected.size() ? tokenOf(selected.get(to)) : null;
            return Envelope.success(out -> {
                JsonGenerator g = out.gen();
                g.writeStartObject();
                g.writeArrayFieldStart("groups");
                for (RulesView.Group grp : page) {
                    writeGroup(g, grp, excludeAlerts);
                }
                g.writeEndArray();
                if (next != null) {
                    g.writeStringField("groupNextToken", next);
                }
                g.writeEndObject();
            });
        });
    }

    /** {@code GET /api/v1/alerts}: every pending and firing alert. */
    public Handler alerts() {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeArrayFieldStart("alerts");
            for (RulesView.Group grp : rules.groups()) {
                for (RulesView.Rule r : grp.rules()) {
                    if (r.alerting()) {
                        for (RulesView.Alert a : r.alerts()) {
                            writeAlert(g, a);
                        }
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code GET /api/v1/alertmanagers}. */
    public Handler alertmanagers() {
        return request -> Envelope.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            urls(g, "activeAlertmanagers", rules.activeAlertmanagers());
            urls(g, "droppedAlertmanagers", rules.droppedAlertmanagers());
            g.writeEndObject();
        });
    }

    private static void urls(JsonGenerator g, String field, List<String> urls) throws IOException {
        g.writeArrayFieldStart(field);
        for (String u : urls) {
            g.writeStartObject();
            g.writeStringField("url", u);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static boolean matchesAny(RulesView.Rule r, List<Matcher[]> selectors) {
        for (Matcher[] ms : selectors) {
            boolean all = true;
            for (Matcher m : ms) {
                String v = m.name().equals("__name__") ? r.name() : r.labels().get(m.name());
                if (!m.matches(v)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** A stable token for a group: its file and name, hex-encoded so it survives URLs. */
    static String tokenOf(RulesView.Group g) {
        byte[] b = (g.file() + ";" + g.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    private static void writeGroup(JsonGenerator g, RulesView.Group grp, boolean excludeAlerts) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", grp.name());
        g.writeStringField("file", grp.file());
        g.writeArrayFieldStart("rules");
        for (RulesView.Rule r : grp.rules()) {
            g.writeStartObject();
            if (r.alerting()) {
                g.writeStringField("state", r.state());
                g.writeStringField("name", r.name());
                g.writeStringField("query", r.query());
                g.writeNumberField("duration", r.duration());
                g.writeNumberField("keepFiringFor", r.keepFiringFor());
                DiscoveryApi.labels(g, "labels", r.labels());
                DiscoveryApi.labels(g, "annotations", r.annotations());
                if (!excludeAlerts) {
                    g.writeArrayFieldStart("alerts");
                    for (RulesView.Alert a : r.alerts()) {
                        writeAlert(g, a);
                    }
                    g.writeEndArray();
                }
            } else {
                g.writeStringField("name", r.name());
                g.writeStringField("query", r.query());
                DiscoveryApi.labels(g, "labels", r.labels());
            }
            g.writeStringField("health", r.health());
            if (r.lastError() != null && !r.lastError().isEmpty()) {
                g.writeStringField("lastError", r.lastError());
            }
            g.writeNumberField("evaluationTime", r.evaluationTime());
            g.writeStringField("lastEvaluation", r.lastEvaluation());
            g.writeStringField("type", r.alerting() ? "alerting" : "recording");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("interval", grp.interval());
        g.writeNumberField("limit", grp.limit());
        g.writeNumberField("evaluationTime", grp.evaluationTime());
        g.writeStringField("lastEvaluation", grp.lastEvaluation());
        g.writeEndObject();
    }

    private static void writeAlert(JsonGenerator g, RulesView.Alert a) throws IOException {
        g.writeStartObject();
        DiscoveryApi.labels(g, "labels", a.labels());
        DiscoveryApi.labels(g, "annotations", a.annotations());
        g.writeStringField("state", a.state());
        g.writeStringField("activeAt", a.activeAt());
        if (a.keepFiringSince() != null && !a.keepFiringSince().isEmpty()) {
            g.writeStringField("keepFiringSince", a.keepFiringSince());
        }
        g.writeStringField("value", goExponent(a.value()));
        g.writeEndObject();
    }

    /** Go's {@code %e}-shortest rendering used for alert values: {@code 1e+00}, {@code 1.5e+02}. */
    static String goExponent(double v) {
        return dev.sextant.promql.template.GoFormat.formatFloat(v, 'e', -1);
    }
}
