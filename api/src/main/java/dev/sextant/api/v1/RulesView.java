package dev.sextant.api.v1;

import dev.sextant.tsdb.model.Labels;
import java.util.List;

/**
 * What the rule manager exposes to {@code /api/v1/rules}, {@code /api/v1/alerts} and {@code
 * /api/v1/alertmanagers}. Implementations must be thread-safe and return snapshots.
 */
public interface RulesView {
    /** A view for a server with no rule files and no Alertmanagers. */
    RulesView NONE = new RulesView() {
        @Override
        public List<Group> groups() {
            return List.of();
        }

        @Override
        public List<String> activeAlertmanagers() {
            return List.of();
        }

        @Override
        public List<String> droppedAlertmanagers() {
            return List.of();
        }
    };

    List<Group> groups();

    /** URLs ({@code http://am:9093/api/v2/alerts}). */
    List<String> activeAlertmanagers();

    List<String> droppedAlertmanagers();

    /** @param interval seconds; @param evaluationTime seconds; @param lastEvaluation RFC 3339 */
    record Group(String name, String file, double interval, long limit, double evaluationTime,
            String lastEvaluation, List<Rule> rules) {}

    /**
     * One rule. {@code alerting} is true for alerting rules; {@code duration} and {@code
     * keepFiringFor} are seconds; {@code lastError} is empty when none.
     */
    record Rule(boolean alerting, String name, String query, double duration, double keepFiringFor,
            Labels labels, Labels annotations, String state, List<Alert> alerts, String health, String lastError,
            double evaluationTime, String lastEvaluation) {}

    /** {@code value} is rendered by the API in Go's {@code %e} form. */
    record Alert(Labels labels, Labels annotations, String state, String activeAt, String keepFiringSince,
            double value) {}
}
