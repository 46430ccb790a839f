package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleManagerTest {
    static final long MIN = 60_000;

    @TempDir
    Path dir;
    final MemoryStorage storage = new MemoryStorage();
    final List<NotifierAlert> sent = new CopyOnWriteArrayList<>();
    final QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);

    RuleManager manager(RuleManagerOptions options) {
        return new RuleManager(engine, storage, storage, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), sent::addAll,
                options);
    }

    RuleManager manager() {
        return manager(RuleManagerOptions.defaults(Labels.of("cluster", "eu-1"), "http://prom:9090"));
    }

    Path file(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    void add(Labels l, long t, double v) {
        Appender a = storage.appender();
        a.append(0, l, t, v);
        a.commit();
    }

    /** All samples of exactly {@code want}, as time → value. */
    TreeMap<Long, Double> samples(Labels want) {
        TreeMap<Long, Double> out = new TreeMap<>();
        try (Querier q = storage.querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
            List<Matcher> ms = new ArrayList<>();
            want.forEach((n, v) -> ms.add(Matcher.equal(n, v)));
            SeriesSet set = q.select(false, null, ms.toArray(new Matcher[0]));
            while (set.next()) {
                if (!set.at().labels().equals(want)) {
                    continue;
                }
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.put(it.atT(), it.atV());
                }
            }
        }
        return out;
    }

    @Test
    void recordingRulesWriteInOrderWithGroupAndRuleLabelsAndLaterRulesSeeEarlierResults() throws Exception {
        Path f = file("rec.yml", """
                groups:
                  - name: rec
                    interval: 1m
                    labels: {team: infra}
                    rules:
                      - record: copy
                        expr: src
                        labels: {source: rule, drop: ""}
                      - record: copy_of_copy
                        expr: copy
                """);
        add(Labels.of("__name__", "src", "i", "1", "drop", "x"), 0, 5);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "rec", 30_000);
        Labels copy = Labels.of("__name__", "copy", "i", "1", "source", "rule", "team", "infra");
        assertThat(samples(copy)).containsEntry(30_000L, 5.0);
        assertThat(samples(Labels.of("__name__", "copy_of_copy", "i", "1", "source", "rule", "team", "infra")))
                .containsEntry(30_000L, 5.0);
        RuleStatus.Rule r = m.groups().get(0).rules().get(0);
        assertThat(r.health()).isEqualTo("ok");
        assertThat(r.type()).isEqualTo("recording");
        assertThat(r.lastEvaluation()).isEqualTo("1970-01-01T00:00:30Z");
        assertThat(m.groups().get(0).intervalSeconds()).isEqualTo(60.0);
    }

    @Test
    void apiFiltersSelectByTypeNameGroupAndFile() throws Exception {
        Path f = file("mixed.yml", """
                groups:
                  - name: a
                    rules:
                      - record: r1
                        expr: x
                      - alert: A1
                        expr: x
                  - name: b
                    rules:
                      - record: r2
                        expr: x
                """);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        List<RuleStatus.Group> all = m.groups();
        java.util.Set<String> none = java.util.Set.of();
        assertThat(RuleStatus.filter(all, "alert", none, none, none)).extracting(g -> g.rules().size())
                .containsExactly(1, 0);
        assertThat(RuleStatus.filter(all, "", java.util.Set.of("r2"), none, none)).singleElement()
                .satisfies(g -> assertThat(g.name()).isEqualTo("b"));
        assertThat(RuleStatus.filter(all, null, none, java.util.Set.of("a"), java.util.Set.of(f.toString())))
                .singleElement().satisfies(g -> assertThat(g.rules()).hasSize(2));
        assertThat(RuleStatus.filter(all, null, none, none, java.util.Set.of("other.yml"))).isEmpty();
    }

    @Test
    void nanResultsAreKeptAndScalarsBecomeOneSeries() throws Exception {
        Path f = file("nan.yml", """
                groups:
                  - name: g
                    rules:
                      - record: nan_copy
                        expr: src
                      - record: constant
                        expr: 42
                """);
        add(Labels.of("__name__", "src"), 0, Double.NaN);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", 10_000);
        assertThat(samples(Labels.of("__name__", "nan_copy")).get(10_000L)).isNaN();
        assertThat(samples(Labels.of("__name__", "constant"))).containsEntry(10_000L, 42.0);
    }

    @Test
    void queryOffsetShiftsQueryAndSampleTimeButNotAlertTime() throws Exception {
        Path f = file("offset.yml", """
                groups:
                  - name: g
                    query_offset: 1m
                    rules:
                      - record: copy
                        expr: src
                      - alert: Src
                        expr: src
                """);
        add(Labels.of("__name__", "src"), 0, 1);
        add(Labels.of("__name__", "src"), 2 * MIN, 2);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", 2 * MIN);
        assertThat(samples(Labels.of("__name__", "copy"))).containsExactly(java.util.Map.entry(MIN, 1.0));
        assertThat(samples(Labels.of("__name__", "ALERTS", "alertname", "Src", "alertstate", "firing")))
                .containsOnlyKeys(MIN);
        assertThat(m.groups().get(0).rules().get(1).alerts().get(0).activeAt()).isEqualTo("1970-01-01T00:02:00Z");
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.startsAtMs()).isEqualTo(2 * MIN));
    }

    @Test
    void staleMarkersWhenARecordedSeriesDisappears() throws Exception {
        Path f = file("stale.yml", """
                groups:
                  - name: g
                    rules:
                      - record: copy
                        expr: src
                """);
        add(Labels.of("__name__", "src", "i", "1"), 0, 1);
        add(Labels.of("__name__", "src", "i", "2"), 0, 2);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", MIN);
        add(Labels.of("__name__", "src", "i", "2"), 5 * MIN, 2);
        m.evalGroupAt(f, "g", 6 * MIN); // i=1 is past the 5m lookback now
        assertThat(StaleNaN.isStale(samples(Labels.of("__name__", "copy", "i", "1")).get(6 * MIN))).isTrue();
        assertThat(samples(Labels.of("__name__", "copy", "i", "2"))).containsEntry(6 * MIN, 2.0);
    }

    @Test
    void duplicateLabelSetsAndLimitsAreRuleErrors() throws Exception {
        Path f = file("err.yml", """
                groups:
                  - name: dup
                    rules:
                      - record: same
                        expr: '{__name__=~"a|b"}'
                  - name: limited
                    limit: 1
                    rules:
                      - record: copy
                        expr: a_or_b
                      - alert: Many
                        expr: a_or_b
                """);
        add(Labels.of("__name__", "a"), 0, 1);
        add(Labels.of("__name__", "b"), 0, 1);
        add(Labels.of("__name__", "a_or_b", "x", "1"), 0, 1);
        add(Labels.of("__name__", "a_or_b", "x", "2"), 0, 1);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalAllAt(MIN);
        List<RuleStatus.Group> gs = m.groups();
        assertThat(gs.get(0).rules().get(0).health()).isEqualTo("err");
        assertThat(gs.get(0).rules().get(0).lastError()).contains("same labelset");
        assertThat(gs.get(1).rules().get(0).lastError()).isEqualTo("exceeded limit of 1 with 2 series");
        assertThat(gs.get(1).rules().get(1).lastError()).isEqualTo("exceeded limit of 1 with 2 alerts");
        assertThat(gs.get(1).rules().get(1).alerts()).isEmpty();
        assertThat(samples(Labels.of("__name__", "copy", "x", "1"))).isEmpty();
        assertThat(m.evaluationFailuresTotal()).isEqualTo(3);
        assertThat(m.stats().get(0).failures()).isEqualTo(1);
    }

    static final String ALERT_RULES = """
            groups:
              - name: alerts
                interval: 1m
                rules:
                  - alert: Down
                    expr: cond
                    for: 2m
                    labels:
                      severity: page
                      instance: '{{ $labels.instance }}'
                    annotations:
                      summary: '{{ $labels.instance }} is down ({{ $value }}) in {{ $externalLabels.cluster }}'
            """;

    @Test
    void alertGoesPendingFiresAndResolvesWithNotifications() throws Exception {
        Path f = file("alerts.yml", ALERT_RULES);
        Labels cond = Labels.of("__name__", "cond", "instance", "h1");
        for (long t = 0; t <= 4 * MIN; t += MIN) {
            add(cond, t, 1);
        }
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "alerts", 0);
        RuleStatus.Rule r = m.groups().get(0).rules().get(0);
        assertThat(r.state()).isEqualTo("pending");
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo("pending");
            assertThat(a.activeAt()).isEqualTo("1970-01-01T00:00:00Z");
            assertThat(a.annotations()).containsEntry("summary", "h1 is down (1) in eu-1");
            assertThat(a.labels()).containsEntry("alertname", "Down").containsEntry("severity", "page");
            assertThat(a.valueString()).isEqualTo("1e+00");
        });
        Labels alertLabels = Labels.of("alertname", "Down", "instance", "h1", "severity", "page");
        Labels pending = alertLabels.toBuilder().set("__name__", "ALERTS").set("alertstate", "pending").build();
        Labels firing = alertLabels.toBuilder().set("__name__", "ALERTS").set("alertstate", "firing").build();
        Labels forState = alertLabels.toBuilder().set("__name__", "ALERTS_FOR_STATE").build();
        assertThat(sent).isEmpty();
        m.evalGroupAt(f, "alerts", MIN);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("pending");
        m.evalGroupAt(f, "alerts", 2 * MIN);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("firing");
        assertThat(sent).singleElement().satisfies(a -> {
            assertThat(a.startsAtMs()).isEqualTo(2 * MIN);
            assertThat(a.endsAtMs()).isEqualTo(2 * MIN + 4 * MIN);
            assertThat(a.generatorURL()).isEqualTo("http://prom:9090/graph?g0.expr=cond&g0.tab=1");
        });
        m.evalGroupAt(f, "alerts", 3 * MIN); // resend delay 1m not passed (strictly)
        assertThat(sent).hasSize(1);
        m.evalGroupAt(f, "alerts", 4 * MIN);
        assertThat(sent).hasSize(2);
        add(cond, 5 * MIN, StaleNaN.VALUE);
        m.evalGroupAt(f, "alerts", 5 * MIN);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("inactive");
        assertThat(m.groups().get(0).rules().get(0).alerts()).isEmpty();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).endsAtMs()).isEqualTo(5 * MIN);
        assertThat(sent.get(2).startsAtMs()).isEqualTo(2 * MIN);

        assertThat(samples(pending)).containsOnlyKeys(0L, MIN, 2 * MIN);
        assertThat(StaleNaN.isStale(samples(pending).get(2 * MIN))).isTrue();
        assertThat(samples(firing)).containsEntry(2 * MIN, 1.0).containsEntry(4 * MIN, 1.0);
        assertThat(StaleNaN.isStale(samples(firing).get(5 * MIN))).isTrue();
        // Written once the for-state restore has run, after the second evaluation (as Prometheus).
        assertThat(samples(forState)).doesNotContainKeys(0L, MIN).containsEntry(2 * MIN, 0.0)
                .containsEntry(4 * MIN, 0.0);
    }

    @Test
    void endsAtUsesTheLongerOfGroupIntervalAndResendDelay() throws Exception {
        Path f = file("slow.yml", "groups:\n  - name: g\n    interval: 5m\n    rules:\n      - alert: A\n        expr: cond\n");
        add(Labels.of("__name__", "cond"), 0, 1);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", 0);
        assertThat(sent).singleElement().satisfies(a -> assertThat(a.endsAtMs()).isEqualTo(4 * 5 * MIN));
        assertThat(sent.get(0).labels()).isEqualTo(Labels.of("alertname", "A"));
    }

    @Test
    void overrunningEvaluationsSkipMissedTicks() throws Exception {
        Path f = file("rec.yml", "groups:\n  - name: g\n    interval: 100ms\n    rules:\n      - record: c\n        expr: s\n");
        add(Labels.of("__name__", "s"), System.currentTimeMillis(), 1);
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        dev.sextant.tsdb.storage.Appendable slow = () -> {
            Appender inner = storage.appender();
            return new Appender() {
                @Override
                public long append(long ref, Labels l, long t, double v) {
                    return inner.append(ref, l, t, v);
                }

                @Override
                public void commit() {
                    if (commits.incrementAndGet() == 1) {
                        try {
                            Thread.sleep(450);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    inner.commit();
                }

                @Override
                public void rollback() {
                    inner.rollback();
                }
            };
        };
        try (RuleManager m = new RuleManager(engine, storage, slow, Clock.systemUTC(), Notifier.NONE,
                RuleManagerOptions.defaults(Labels.EMPTY, ""))) {
            m.applyFiles(List.of(f), MIN);
            m.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (m.stats().get(0).evaluations() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(m.stats().get(0).missedIterations()).isGreaterThanOrEqualTo(2);
        }
        TreeMap<Long, Double> written = samples(Labels.of("__name__", "c"));
        assertThat(written.size()).isGreaterThanOrEqualTo(2);
        long first = written.firstKey();
        for (long t : written.keySet()) {
            assertThat((t - first) % 100).as("evaluation instants stay on the 100ms grid").isZero();
        }
    }

    @Test
    void keepFiringForHoldsAFiringAlert() throws Exception {
        Path f = file("keep.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: Flap
                        expr: cond
                        keep_firing_for: 2m
                """);
        add(Labels.of("__name__", "cond"), 0, 1);
        add(Labels.of("__name__", "cond"), 30_000, StaleNaN.VALUE);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", 0);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("firing");
        m.evalGroupAt(f, "g", MIN);
        RuleStatus.Rule r = m.groups().get(0).rules().get(0);
        assertThat(r.state()).isEqualTo("firing");
        assertThat(r.alerts().get(0).keepFiringSince()).isEqualTo("1970-01-01T00:01:00Z");
        m.evalGroupAt(f, "g", 2 * MIN);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("firing");
        m.evalGroupAt(f, "g", 3 * MIN);
        assertThat(m.groups().get(0).rules().get(0).state()).isEqualTo("inactive");
    }

    @Test
    void reloadKeepsStateOfUnchangedRulesAndRejectsBadFiles() throws Exception {
        Path f = file("alerts.yml", ALERT_RULES);
        add(Labels.of("__name__", "cond", "instance", "h1"), 0, 1);
        RuleManager m = manager();
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "alerts", 0);
        m.applyFiles(List.of(f), MIN);
        assertThat(m.groups().get(0).rules().get(0).alerts()).singleElement()
                .satisfies(a -> assertThat(a.activeAt()).isEqualTo("1970-01-01T00:00:00Z"));
        Path bad = file("bad.yml", "groups:\n  - name: x\n    rules:\n      - record: r\n        expr: 'up{'\n");
        assertThatThrownBy(() -> m.applyFiles(List.of(f, bad), MIN)).isInstanceOf(RuleManager.RuleLoadException.class)
                .hasMessageContaining("could not parse expression");
        assertThat(m.groups()).hasSize(1);
        Files.writeString(f, ALERT_RULES.replace("for: 2m", "for: 3m"));
        m.applyFiles(List.of(f), MIN);
        assertThat(m.groups().get(0).rules().get(0).alerts()).isEmpty();
        assertThat(m.groups().get(0).rules().get(0).health()).isEqualTo("unknown");
    }

    @Test
    void removedRulesGetStaleMarkers() throws Exception {
        Path f = file("rec.yml", "groups:\n  - name: g\n    rules:\n      - record: copy\n        expr: src\n");
        add(Labels.of("__name__", "src"), 0, 1);
        RuleManager m = new RuleManager(engine, storage, storage, Clock.fixed(Instant.ofEpochMilli(2 * MIN),
                ZoneOffset.UTC), Notifier.NONE, RuleManagerOptions.defaults(Labels.EMPTY, ""));
        m.applyFiles(List.of(f), MIN);
        m.evalGroupAt(f, "g", MIN);
        m.applyFiles(List.of(), MIN);
        assertThat(StaleNaN.isStale(samples(Labels.of("__name__", "copy")).get(2 * MIN))).isTrue();
    }

    /** Writes the ALERTS_FOR_STATE history of a run from 0 to {@code until} with the alert pending since 0. */
    private void runFirstProcess(Path f, long until) throws Exception {
        RuleManager first = manager();
        first.applyFiles(List.of(f), MIN);
        for (long t = 0; t <= until; t += MIN) {
            first.evalGroupAt(f, "g", t);
        }
        first.close();
    }

    @Test
    void forStateIsRestoredAfterARestart() throws Exception {
        Path f = file("restore.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: Slow
                        expr: cond
                        for: 30m
                """);
        for (long t = 0; t <= 60 * MIN; t += MIN) {
            add(Labels.of("__name__", "cond"), t, 1);
        }
        runFirstProcess(f, 5 * MIN);
        // Down from 5m to 8m; restored after the second evaluation (9m): the 5m spent pending count,
        // the outage does not.
        RuleManager second = manager();
        second.applyFiles(List.of(f), MIN);
        second.evalGroupAt(f, "g", 8 * MIN);
        assertThat(second.groups().get(0).rules().get(0).alerts().get(0).activeAt()).isEqualTo("1970-01-01T00:08:00Z");
        assertThat(samples(Labels.of("__name__", "ALERTS_FOR_STATE", "alertname", "Slow"))).as("not before restore")
                .doesNotContainKey(8 * MIN);
        second.evalGroupAt(f, "g", 9 * MIN);
        assertThat(second.groups().get(0).rules().get(0).alerts().get(0).activeAt()).isEqualTo("1970-01-01T00:04:00Z");
        second.evalGroupAt(f, "g", 33 * MIN);
        assertThat(second.groups().get(0).rules().get(0).state()).isEqualTo("pending");
        second.evalGroupAt(f, "g", 34 * MIN);
        assertThat(second.groups().get(0).rules().get(0).state()).isEqualTo("firing");
    }

    @Test
    void restoreKeepsTheGracePeriodAndIgnoresLongOutages() throws Exception {
        Path f = file("restore.yml", """
                groups:
                  - name: g
                    rules:
                      - alert: Slow
                        expr: cond
                        for: 30m
                """);
        for (long t = 0; t <= 200 * MIN; t += MIN) {
            add(Labels.of("__name__", "cond"), t, 1);
        }
        runFirstProcess(f, 25 * MIN);
        RuleManager second = manager();
        second.applyFiles(List.of(f), MIN);
        second.evalGroupAt(f, "g", 27 * MIN);
        second.evalGroupAt(f, "g", 28 * MIN);
        // 5m were left, less than the 10m grace period: it fires 10m after the restore.
        assertThat(second.groups().get(0).rules().get(0).alerts().get(0).activeAt()).isEqualTo("1970-01-01T00:08:00Z");

        RuleManager third = manager();
        third.applyFiles(List.of(f), MIN);
        third.evalGroupAt(f, "g", 118 * MIN); // beyond the 1h outage tolerance
        third.evalGroupAt(f, "g", 119 * MIN);
        assertThat(third.groups().get(0).rules().get(0).alerts().get(0).activeAt()).isEqualTo("1970-01-01T01:58:00Z");
    }

    @Test
    void evaluationTimestampsSpreadGroupsByAStableOffset() throws Exception {
        Path f = file("rec.yml", "groups:\n  - name: g\n    interval: 1m\n    rules:\n      - record: c\n        expr: s\n");
        RuleGroupSpec spec = RuleFileParser.parseFile(f).groups().get(0);
        RuleGroup g = new RuleGroup(spec, MIN, 0);
        long offset = g.offsetMs();
        assertThat(offset).isBetween(0L, MIN - 1);
        assertThat(new RuleGroup(spec, MIN, 0).offsetMs()).isEqualTo(offset);
        long ts = g.evalTimestamp(10 * MIN + 1);
        assertThat(Math.floorMod(ts - offset, MIN)).isZero();
        assertThat(ts).isBetween(9 * MIN + 1, 10 * MIN + 1);
    }

    @Test
    void scheduledEvaluationRunsByItself() throws Exception {
        Path f = file("rec.yml", "groups:\n  - name: g\n    interval: 100ms\n    rules:\n      - record: c\n        expr: s\n");
        add(Labels.of("__name__", "s"), System.currentTimeMillis(), 1);
        try (RuleManager m = new RuleManager(engine, storage, storage, Clock.systemUTC(), Notifier.NONE,
                RuleManagerOptions.defaults(Labels.EMPTY, ""))) {
            m.applyFiles(List.of(f), MIN);
            m.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (m.stats().get(0).evaluations() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(m.stats().get(0).evaluations()).isGreaterThanOrEqualTo(3);
            assertThat(samples(Labels.of("__name__", "c"))).isNotEmpty();
        }
    }
}
