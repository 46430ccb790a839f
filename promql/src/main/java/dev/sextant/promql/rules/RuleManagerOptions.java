package dev.sextant.promql.rules;

import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.tsdb.model.Labels;

/**
 * Settings of a {@link RuleManager}, named after Prometheus's flags and config keys. Immutable.
 *
 * @param externalLabels {@code global.external_labels}: visible to templates, added to notifications
 * @param externalUrl {@code --web.external-url}, for templates and generator URLs
 * @param resendDelayMs {@code --rules.alert.resend-delay} (1m)
 * @param outageToleranceMs {@code --rules.alert.for-outage-tolerance} (1h)
 * @param forGracePeriodMs {@code --rules.alert.for-grace-period} (10m)
 * @param defaultQueryOffsetMs {@code global.rule_query_offset} (0)
 * @param restoreForState whether alert {@code for} state is restored from {@code ALERTS_FOR_STATE} at start
 * @param queryOptions per-query options for rule queries
 */
public record RuleManagerOptions(Labels externalLabels, String externalUrl, long resendDelayMs,
        long outageToleranceMs, long forGracePeriodMs, long defaultQueryOffsetMs, boolean restoreForState,
        QueryOptions queryOptions) {

    /** Prometheus's defaults with the given external labels and URL. */
    public static RuleManagerOptions defaults(Labels externalLabels, String externalUrl) {
        return new RuleManagerOptions(externalLabels, externalUrl, 60_000, 3_600_000, 600_000, 0, true,
                QueryOptions.DEFAULTS);
    }
}
