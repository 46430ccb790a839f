package dev.sextant.promql.rules;

import dev.sextant.tsdb.model.Labels;
import java.util.Map;

/**
 * One alert as sent to Alertmanager. Immutable; thread-safe.
 *
 * @param labels alert labels (rule labels, series labels, {@code alertname}); external labels are added by the notifier
 * @param annotations expanded annotations
 * @param startsAtMs when the alert started firing, Unix milliseconds
 * @param endsAtMs resolved time, or how long Alertmanager may consider it firing without a resend
 * @param generatorURL link back to the expression
 */
public record NotifierAlert(Labels labels, Map<String, String> annotations, long startsAtMs, long endsAtMs,
        String generatorURL) {}
