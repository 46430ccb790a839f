package dev.sextant.promql.rules;

import dev.sextant.promql.template.Template;
import dev.sextant.promql.template.TemplateData;
import dev.sextant.promql.template.TemplateException;
import dev.sextant.promql.value.Sample;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code alert:} rules: one {@link Alert} per result element, moving pending → firing → inactive
 * (see the state machine in {@code spec/config-and-rules.md} §10.3), producing {@code ALERTS} and
 * {@code ALERTS_FOR_STATE} samples and the alerts to notify.
 *
 * <p>Thread-safety: as {@link Rule}.
 */
final class AlertingRule extends Rule {
    static final String ALERTS = "ALERTS";
    static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";
    /** Resolved alerts are kept this long so the resolution is re-sent. */
    static final long RESOLVED_RETENTION_MS = 15 * 60_000;

    enum State { INACTIVE, PENDING, FIRING;

        String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One alert instance; mutable, owned by its rule. */
    static final class Alert {
        final Labels labels;
        Map<String, String> annotations;
        State state = State.PENDING;
        double value;
        long activeAtMs;
        long firedAtMs;
        long resolvedAtMs;
        long lastSentAtMs;
        long validUntilMs;
        long keepFiringSinceMs;

        Alert(Labels labels) {
            this.labels = labels;
        }
    }

    /** Active alerts by their labels (alert labels, without {@code __name__}). */
    final Map<Labels, Alert> active = new LinkedHashMap<>();
    /** False until the for-state has been restored after a start; ALERTS_FOR_STATE is written only once restored. */
    boolean restored = true;

    AlertingRule(RuleSpec spec) {
        super(spec);
    }

    @Override
    List<Sample> eval(Context ctx, long ts, long queryTs) {
        List<Sample> result = ctx.query(spec.expr(), queryTs);
        Map<String, String> ext = toMap(ctx.options().externalLabels());
        Map<Labels, Alert> current = new HashMap<>();
        LabelsBuilder b = new LabelsBuilder();
        for (Sample s : result) {
            b.reset(s.metric());
            b.delete(Labels.METRIC_NAME);
            Labels base = b.build();
            // Templates see the series' labels including __name__; the alert's labels drop it.
            Map<String, String> tmplLabels = toMap(s.metric());
            TemplateData data = new TemplateData(tmplLabels, s.v(), ext, ctx.options().externalUrl(),
                    expr -> templateQuery(ctx, expr, queryTs));
            ctx.groupLabels().forEach(b::set);
            for (Map.Entry<String, Template> e : spec.labelTemplates().entrySet()) {
                b.set(e.getKey(), expand(e.getValue(), data));
            }
            b.set("alertname", spec.name());
            Labels labels = b.build();
            Map<String, String> annotations = new LinkedHashMap<>();
            for (Map.Entry<String, Template> e : spec.annotationTemplates().entrySet()) {
                annotations.put(e.getKey(), expand(e.getValue(), data));
            }
            if (current.containsKey(labels)) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying alert labels");
            }
            Alert a = new Alert(labels);
            a.value = s.v();
            a.annotations = Collections.unmodifiableMap(annotations);
            current.put(labels, a);
        }
        for (Alert fresh : current.values()) {
            Alert existing = active.get(fresh.labels);
            if (existing != null && existing.state != State.INACTIVE) {
                existing.value = fresh.value;
                existing.annotations = fresh.annotations;
                existing.keepFiringSinceMs = 0;
                continue;
            }
            fresh.activeAtMs = ts;
            active.put(fresh.labels, fresh);
        }
        for (Iterator<Alert> it = active.values().iterator(); it.hasNext(); ) {
            Alert a = it.next();
            if (current.containsKey(a.labels)) {
                continue;
            }
            if (a.state == State.PENDING) {
                it.remove();
                continue;
            }
            if (a.state == State.INACTIVE) {
                if (ts - a.resolvedAtMs > RESOLVED_RETENTION_MS) {
                    it.remove();
                }
                continue;
            }
            if (spec.keepFiringForMs() > 0) {
                if (a.keepFiringSinceMs == 0) {
                    a.keepFiringSinceMs = ts;
                }
                if (ts - a.keepFiringSinceMs < spec.keepFiringForMs()) {
                    continue;
                }
            }
            a.state = State.INACTIVE;
            a.resolvedAtMs = ts;
            a.keepFiringSinceMs = 0;
        }
        int pendingOrFiring = 0;
        for (Alert a : active.values()) {
            if (a.state != State.INACTIVE) {
                pendingOrFiring++;
            }
        }
        if (ctx.limit() > 0 && pendingOrFiring > ctx.limit()) {
            active.clear();
            throw new IllegalStateException("exceeded limit of " + ctx.limit() + " with " + pendingOrFiring + " alerts");
        }
        List<Sample> out = new ArrayList<>();
        for (Alert a : active.values()) {
            if (a.state == State.PENDING && ts - a.activeAtMs >= spec.forMs()) {
                a.state = State.FIRING;
                a.firedAtMs = ts;
            }
            if (a.state == State.INACTIVE) {
                continue;
            }
            out.add(new Sample(a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS).set("alertstate", a.state.apiName())
                    .build(), queryTs, 1));
            if (restored) {
                out.add(new Sample(a.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE).build(), queryTs,
                        Math.floor(a.activeAtMs / 1000.0)));
            }
        }
        return out;
    }

    /** Alerts due for (re-)sending at {@code ts}, updating their send bookkeeping. */
    List<NotifierAlert> alertsToSend(long ts, long resendDelayMs, long groupIntervalMs, String externalUrl) {
        List<NotifierAlert> out = new ArrayList<>();
        for (Alert a : active.values()) {
            boolean due;
            if (a.state == State.PENDING) {
                due = false;
            } else if (a.state == State.INACTIVE) {
                due = a.resolvedAtMs > a.lastSentAtMs || a.lastSentAtMs + resendDelayMs < ts;
            } else {
                due = a.lastSentAtMs == 0 || a.lastSentAtMs + resendDelayMs < ts;
            }
            if (!due) {
                continue;
            }
            a.lastSentAtMs = ts;
            a.validUntilMs = ts + 4 * Math.max(resendDelayMs, groupIntervalMs);
            long endsAt = a.state == State.INACTIVE ? a.resolvedAtMs : a.validUntilMs;
            out.add(new NotifierAlert(a.labels, a.annotations, a.firedAtMs, endsAt, generatorUrl(externalUrl)));
        }
        return out;
    }

    String generatorUrl(String externalUrl) {
        String base = externalUrl == null ? "" : externalUrl;
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/graph?g0.expr=" + URLEncoder.encode(spec.expr(), StandardCharsets.UTF_8)
                + "&g0.tab=1";
    }

    /** The rule's state: the most severe of its alerts. */
    State state() {
        State s = State.INACTIVE;
        for (Alert a : active.values()) {
            if (a.state.ordinal() > s.ordinal()) {
                s = a.state;
            }
        }
        return s;
    }

    private static List<TemplateData.QuerySample> templateQuery(Context ctx, String expr, long ts) {
        List<TemplateData.QuerySample> out = new ArrayList<>();
        for (Sample s : ctx.query(expr, ts)) {
            out.add(new TemplateData.QuerySample(toMap(s.metric()), s.v()));
        }
        return out;
    }

    static String expand(Template t, TemplateData data) {
        try {
            return t.execute(data);
        } catch (TemplateException e) {
            return "<error expanding template: " + e.getMessage() + ">";
        } catch (RuntimeException e) {
            return "<error expanding template: " + e.getMessage() + ">";
        }
    }

    static Map<String, String> toMap(Labels l) {
        Map<String, String> m = new LinkedHashMap<>();
        if (l != null) {
            l.forEach(m::put);
        }
        return Collections.unmodifiableMap(m);
    }
}
