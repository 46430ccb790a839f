package dev.sextant.promql.rules;

import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Queryable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads rule files and evaluates their groups on a schedule: recording rules write series, alerting
 * rules write {@code ALERTS}/{@code ALERTS_FOR_STATE} and notify a {@link Notifier}.
 *
 * <p>Lifecycle: construct, {@link #applyFiles} (also on every config reload), {@link #start()}, and
 * {@link #close()}. Without {@code start()} nothing runs by itself; {@link #evalGroupAt} evaluates a
 * group at a chosen instant (for tests and the rule unit-test runner).
 *
 * <p>Thread-safety: thread-safe. {@code applyFiles}, {@code start} and {@code close} serialize on the
 * manager; each group evaluates on one scheduler thread at a time; snapshots may be taken from any
 * thread.
 */
public final class RuleManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleManager.class);

    private final QueryEngine engine;
    private final Queryable queryable;
    private final Appendable appendable;
    private final Clock clock;
    private final Notifier notifier;
    private final RuleManagerOptions options;
    private volatile Map<String, RuleGroup> groups = Map.of();
    private ScheduledExecutorService scheduler;
    private boolean firstLoad = true;
    private boolean closed;

    /** Thrown by {@link #applyFiles} when a file does not validate; the previous rules stay in place. */
    public static final class RuleLoadException extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> errors;

        public RuleLoadException(List<String> errors) {
            super(String.join("\n", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    /** Counters for one group; the server exposes them as Prometheus's {@code prometheus_rule_group_*} metrics. */
    public record GroupStats(String file, String name, long evaluations, long failures, long missedIterations,
            double lastDurationSeconds, long lastEvaluationMs, int rules, double intervalSeconds) {}

    public RuleManager(QueryEngine engine, Queryable queryable, Appendable appendable, Clock clock, Notifier notifier,
            RuleManagerOptions options) {
        this.engine = engine;
        this.queryable = queryable;
        this.appendable = appendable;
        this.clock = clock;
        this.notifier = notifier;
        this.options = options;
    }

    /**
     * Loads {@code files} (already glob-expanded), replacing the current groups. Groups and rules whose
     * definition is unchanged keep their state (active alerts, health, series for staleness); series of
     * removed rules get stale markers. On a validation error nothing changes.
     *
     * @param defaultIntervalMs {@code global.evaluation_interval}, for groups without {@code interval}
     * @throws RuleLoadException with every error of every file
     */
    public synchronized void applyFiles(List<Path> files, long defaultIntervalMs) throws RuleLoadException {
        List<String> errors = new ArrayList<>();
        List<RuleGroupSpec> specs = new ArrayList<>();
        for (Path f : files) {
            RuleFileParser.Result r = RuleFileParser.parseFile(f);
            errors.addAll(r.errors());
            specs.addAll(r.groups());
        }
        if (!errors.isEmpty()) {
            throw new RuleLoadException(errors);
        }
        Map<String, RuleGroup> next = new LinkedHashMap<>();
        List<Labels> stale = new ArrayList<>();
        Map<String, RuleGroup> old = groups;
        for (RuleGroupSpec spec : specs) {
            RuleGroup g = new RuleGroup(spec, defaultIntervalMs, options.defaultQueryOffsetMs());
            g.shouldRestore = firstLoad && options.restoreForState();
            if (options.restoreForState() && firstLoad) {
                for (Rule r : g.rules) {
                    if (r instanceof AlertingRule ar) {
                        ar.restored = false;
                    }
                }
            }
            RuleGroup prev = old.get(g.key());
            if (prev != null) {
                synchronized (prev) {
                    g.copyStateFrom(prev, stale);
                }
            }
            next.put(g.key(), g);
        }
        for (RuleGroup prev : old.values()) {
            prev.stopped = true;
            if (prev.future != null) {
                prev.future.cancel(false);
            }
            if (!next.containsKey(prev.key())) {
                prev.markAllStale(clock.millis(), appendable);
            }
        }
        RuleGroup.writeStale(stale, clock.millis(), appendable);
        groups = next;
        firstLoad = false;
        if (scheduler != null) {
            for (RuleGroup g : next.values()) {
                schedule(g);
            }
        }
        LOG.info("msg=\"rules loaded\" files={} groups={}", files.size(), next.size());
    }

    /** Starts evaluating every group at its interval and offset. */
    public synchronized void start() {
        if (closed || scheduler != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "rule-eval-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        scheduler = Executors.newScheduledThreadPool(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), tf);
        for (RuleGroup g : groups.values()) {
            schedule(g);
        }
    }

    private void schedule(RuleGroup g) {
        long now = clock.millis();
        long next = g.evalTimestamp(now) + g.intervalMs;
        scheduleAt(g, next);
    }

    private void scheduleAt(RuleGroup g, long ts) {
        ScheduledExecutorService s = scheduler;
        if (s == null || g.stopped) {
            return;
        }
        long delay = Math.max(0, ts - clock.millis());
        g.future = s.schedule(() -> runScheduled(g, ts), delay, TimeUnit.MILLISECONDS);
    }

    private void runScheduled(RuleGroup g, long ts) {
        if (g.stopped) {
            return;
        }
        try {
            g.evalAt(ts, engine, queryable, appendable, options, notifier);
        } catch (RuntimeException e) {
            LOG.warn("msg=\"rule group evaluation failed\" group={} err=\"{}\"", g.spec.name(), e.toString());
        }
        long next = ts + g.intervalMs;
        long now = clock.millis();
        if (now >= next + g.intervalMs) {
            // Overran: skip the ticks that are already past, keeping the phase.
            long missed = (now - next) / g.intervalMs;
            synchronized (g) {
                g.missedIterations += missed;
            }
            next += missed * g.intervalMs;
        }
        scheduleAt(g, next);
    }

    /**
     * Evaluates one group at {@code timeMs} on the calling thread (deterministic tests, rule unit tests).
     *
     * @throws IllegalArgumentException when no such group is loaded
     */
    public void evalGroupAt(Path file, String group, long timeMs) {
        RuleGroup g = groups.get(RuleGroup.key(file.toString(), group));
        if (g == null) {
            throw new IllegalArgumentException("no rule group " + group + " in " + file);
        }
        g.evalAt(timeMs, engine, queryable, appendable, options, notifier);
    }

    /** Evaluates every group at {@code timeMs}, in file and group order, on the calling thread. */
    public void evalAllAt(long timeMs) {
        for (RuleGroup g : groups.values()) {
            g.evalAt(timeMs, engine, queryable, appendable, options, notifier);
        }
    }

    /** Evaluates the named groups in the given order at {@code timeMs} (promtool's {@code group_eval_order}). */
    List<RuleGroup> groupsInOrder(List<String> names) {
        List<RuleGroup> out = new ArrayList<>();
        for (String n : names) {
            for (RuleGroup g : groups.values()) {
                if (g.spec.name().equals(n) && !out.contains(g)) {
                    out.add(g);
                }
            }
        }
        for (RuleGroup g : groups.values()) {
            if (!out.contains(g)) {
                out.add(g);
            }
        }
        return out;
    }

    void evalGroup(RuleGroup g, long timeMs) {
        g.evalAt(timeMs, engine, queryable, appendable, options, notifier);
    }

    /** The loaded groups with their rules and alerts, as {@code /api/v1/rules} shows them. */
    public List<RuleStatus.Group> groups() {
        List<RuleStatus.Group> out = new ArrayList<>();
        for (RuleGroup g : groups.values()) {
            synchronized (g) {
                out.add(snapshot(g));
            }
        }
        return out;
    }

    /** Every pending and firing alert across all rules, as {@code /api/v1/alerts} shows them. */
    public List<RuleStatus.Alert> activeAlerts() {
        List<RuleStatus.Alert> out = new ArrayList<>();
        for (RuleStatus.Group g : groups()) {
            for (RuleStatus.Rule r : g.rules()) {
                if (r.alerts() != null) {
                    out.addAll(r.alerts());
                }
            }
        }
        return out;
    }

    /** Evaluation counters per group. */
    public List<GroupStats> stats() {
        List<GroupStats> out = new ArrayList<>();
        for (RuleGroup g : groups.values()) {
            synchronized (g) {
                out.add(new GroupStats(g.spec.file().toString(), g.spec.name(), g.evaluations, g.failures,
                        g.missedIterations, g.evalNanos / 1e9, g.lastEvalMs == Long.MIN_VALUE ? 0 : g.lastEvalMs,
                        g.rules.size(), g.intervalMs / 1000.0));
            }
        }
        return out;
    }

    /** Sum of rule evaluation failures over all groups ({@code prometheus_rule_evaluation_failures_total}). */
    public long evaluationFailuresTotal() {
        long n = 0;
        for (GroupStats s : stats()) {
            n += s.failures();
        }
        return n;
    }

    private static String time(long ms) {
        return ms == Long.MIN_VALUE ? "0001-01-01T00:00:00Z" : Instant.ofEpochMilli(ms).toString();
    }

    private static RuleStatus.Group snapshot(RuleGroup g) {
        List<RuleStatus.Rule> rules = new ArrayList<>();
        for (Rule r : g.rules) {
            RuleSpec s = r.spec;
            if (r instanceof AlertingRule ar) {
                List<RuleStatus.Alert> alerts = new ArrayList<>();
                for (AlertingRule.Alert a : ar.active.values()) {
                    if (a.state == AlertingRule.State.INACTIVE) {
                        continue;
                    }
                    alerts.add(new RuleStatus.Alert(AlertingRule.toMap(a.labels), a.annotations, a.state.apiName(),
                            time(a.activeAtMs), a.keepFiringSinceMs == 0 ? null : time(a.keepFiringSinceMs), a.value));
                }
                rules.add(new RuleStatus.Rule("alerting", s.name(), s.expr(), s.forMs() / 1000.0,
                        s.keepFiringForMs() / 1000.0, s.labels(), s.annotations(), ar.state().apiName(),
                        List.copyOf(alerts), r.health, r.lastError, r.evalNanos / 1e9, time(r.lastEvalMs)));
            } else {
                rules.add(new RuleStatus.Rule("recording", s.name(), s.expr(), 0, 0, s.labels(), Map.of(), null, null,
                        r.health, r.lastError, r.evalNanos / 1e9, time(r.lastEvalMs)));
            }
        }
        return new RuleStatus.Group(g.spec.name(), g.spec.file().toString(), g.intervalMs / 1000.0, g.spec.limit(),
                g.evalNanos / 1e9, time(g.lastEvalMs), List.copyOf(rules));
    }

    /** Stops scheduling; an evaluation in progress finishes. */
    @Override
    public synchronized void close() {
        closed = true;
        for (RuleGroup g : groups.values()) {
            g.stopped = true;
        }
        if (scheduler != null) {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}
