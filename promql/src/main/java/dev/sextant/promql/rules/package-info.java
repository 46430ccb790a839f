/**
 * Recording and alerting rules, as Prometheus runs them.
 *
 * <p>Wiring for the server (the composition root owns config parsing and metrics):
 * <pre>{@code
 * Notifier notifier = new AlertmanagerNotifier(List.of(AlertmanagerConfig.of(List.of("am:9093"))),
 *         externalLabels, null, AlertmanagerNotifier.Options.DEFAULTS);
 * RuleManager rules = new RuleManager(engine, tsdb, tsdb, Clock.systemUTC(), notifier,
 *         RuleManagerOptions.defaults(externalLabels, externalUrl));
 * rules.applyFiles(RuleFiles.expand(config.ruleFiles(), configDir), evaluationIntervalMs); // and on reload
 * rules.start();
 * ... rules.groups() / rules.activeAlerts() for /api/v1/rules and /api/v1/alerts ...
 * rules.close(); notifier.close();
 * }</pre>
 *
 * <p>Command line: {@link dev.sextant.promql.rules.RuleFiles#check} ({@code check rules}) and
 * {@link dev.sextant.promql.rules.RuleUnitTests#run} ({@code test rules}) print promtool's format.
 *
 * <p>Only the storage contracts ({@code tsdb.model}, {@code tsdb.storage}) are used; HTTP goes
 * through {@code java.net.http}.
 */
package dev.sextant.promql.rules;
