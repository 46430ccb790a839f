package dev.sextant.api.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.api.v1.RulesView;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.rules.AlertmanagerConfig;
import dev.sextant.promql.rules.AlertmanagerNotifier;
import dev.sextant.promql.rules.NotifierAlert;
import dev.sextant.promql.rules.RuleFiles;
import dev.sextant.promql.rules.RuleManager;
import dev.sextant.promql.rules.RuleManagerOptions;
import dev.sextant.promql.rules.RuleStatus;
import dev.sextant.scrape.config.Durations;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Queryable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects the rule manager and the Alertmanager notifier to the configuration and the HTTP API.
 * Rule files and Alertmanagers follow config reloads; the notifier is swapped behind a stable
 * delegate so the rule manager keeps its state across reloads.
 *
 * <p>Thread-safety: {@link #apply} is called under the server's reload lock; views are thread-safe.
 */
final class RulesWiring implements RulesView, AutoCloseable {
    private final RuleManager manager;
    private volatile AlertmanagerNotifier notifier;

    RulesWiring(QueryEngine engine, Queryable queryable, Appendable appendable, Labels externalLabels) {
        this.manager = new RuleManager(engine, queryable, appendable, Clock.systemUTC(), this::send,
                RuleManagerOptions.defaults(externalLabels, ""));
    }

    private void send(List<NotifierAlert> alerts) {
        AlertmanagerNotifier n = notifier;
        if (n != null) {
            n.send(alerts);
        }
    }

    /**
     * Loads the rule files and Alertmanagers of {@code config}.
     *
     * @throws ConfigFile.ConfigException naming every invalid rule file and reason; nothing changes then
     */
    void apply(ConfigFile config) throws ConfigFile.ConfigException {
        Path base = config.source().equals("built-in default") ? Path.of("")
                : Path.of(config.source()).toAbsolutePath().getParent();
        List<Path> files;
        try {
            files = RuleFiles.expand(config.scrape().ruleFiles(), base);
        } catch (IOException e) {
            throw new ConfigFile.ConfigException("loading rule files: " + e.getMessage());
        }
        List<AlertmanagerConfig> ams = alertmanagers(config.tree().path("alerting").path("alertmanagers"));
        try {
            manager.applyFiles(files, config.scrape().global().evaluationIntervalMs());
        } catch (RuleManager.RuleLoadException e) {
            throw new ConfigFile.ConfigException("loading groups failed: " + String.join("; ", e.errors()));
        }
        AlertmanagerNotifier old = notifier;
        notifier = ams.isEmpty() ? null
                : new AlertmanagerNotifier(ams, config.externalLabels(), null, AlertmanagerNotifier.Options.DEFAULTS);
        if (old != null) {
            old.close();
        }
    }

    void start() {
        manager.start();
    }

    RuleManager manager() {
        return manager;
    }

    static List<AlertmanagerConfig> alertmanagers(JsonNode list) throws ConfigFile.ConfigException {
        List<AlertmanagerConfig> out = new ArrayList<>();
        for (JsonNode am : list) {
            List<String> targets = new ArrayList<>();
            for (JsonNode sc : am.path("static_configs")) {
                for (JsonNode t : sc.path("targets")) {
                    targets.add(t.asText());
                }
            }
            long timeout = 10_000;
            if (am.has("timeout")) {
                try {
                    timeout = Durations.parseMillis(am.path("timeout").asText());
                } catch (IllegalArgumentException e) {
                    throw new ConfigFile.ConfigException("alerting.alertmanagers: " + e.getMessage());
                }
            }
            String bearer = am.path("authorization").path("credentials").asText(null);
            if (bearer == null) {
                bearer = am.path("bearer_token").asText(null);
            }
            try {
                out.add(new AlertmanagerConfig(am.path("scheme").asText("http"), am.path("path_prefix").asText("/"),
                        timeout, am.path("api_version").asText("v2"), targets,
                        am.path("basic_auth").path("username").asText(null),
                        am.path("basic_auth").path("password").asText(null), bearer));
            } catch (IllegalArgumentException e) {
                throw new ConfigFile.ConfigException("alerting.alertmanagers: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (RuleStatus.Group g : manager.groups()) {
            List<Rule> rules = new ArrayList<>(g.rules().size());
            for (RuleStatus.Rule r : g.rules()) {
                List<Alert> alerts = new ArrayList<>();
                if (r.alerts() != null) {
                    for (RuleStatus.Alert a : r.alerts()) {
                        alerts.add(new Alert(Labels.fromMap(a.labels()), Labels.fromMap(a.annotations()), a.state(),
                                a.activeAt(), a.keepFiringSince(), a.value()));
                    }
                }
                rules.add(new Rule(r.type().equals("alerting"), r.name(), r.query(), r.durationSeconds(),
                        r.keepFiringForSeconds(), Labels.fromMap(r.labels()),
                        r.annotations() == null ? Labels.EMPTY : Labels.fromMap(r.annotations()),
                        r.state(), alerts, r.health(), r.lastError(), r.evaluationTimeSeconds(), r.lastEvaluation()));
            }
            out.add(new Group(g.name(), g.file(), g.intervalSeconds(), g.limit(), g.evaluationTimeSeconds(),
                    g.lastEvaluation(), rules));
        }
        return out;
    }

    @Override
    public List<String> activeAlertmanagers() {
        AlertmanagerNotifier n = notifier;
        return n == null ? List.of() : n.alertmanagerUrls();
    }

    @Override
    public List<String> droppedAlertmanagers() {
        return List.of();
    }

    @Override
    public void close() {
        manager.close();
        AlertmanagerNotifier n = notifier;
        if (n != null) {
            n.close();
        }
    }
}
