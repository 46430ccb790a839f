package dev.sextant.promql.rules;

import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.value.Sample;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * A group of rules evaluated together, in order, at one instant per interval.
 *
 * <p>Each rule's output is committed before the next rule runs, so later rules see earlier results.
 * Series that a rule wrote last time but not this time get a stale marker (not after a failed
 * evaluation).
 *
 * <p>Thread-safety: {@link #evalAt} and the snapshot methods synchronize on the group, so the
 * scheduler, tests and the HTTP layer may call them from different threads.
 */
final class RuleGroup {
    final RuleGroupSpec spec;
    final long intervalMs;
    final long queryOffsetMs;
    final List<Rule> rules;
    long lastEvalMs = Long.MIN_VALUE;
    long evalNanos;
    long evaluations;
    long failures;
    long missedIterations;
    boolean shouldRestore;
    int evalsSinceLoad;
    volatile boolean stopped;
    ScheduledFuture<?> future;

    RuleGroup(RuleGroupSpec spec, long defaultIntervalMs, long defaultQueryOffsetMs) {
        this.spec = spec;
        this.intervalMs = spec.intervalMs() > 0 ? spec.intervalMs() : defaultIntervalMs;
        this.queryOffsetMs = spec.queryOffsetMs() >= 0 ? spec.queryOffsetMs() : defaultQueryOffsetMs;
        List<Rule> rs = new ArrayList<>();
        for (RuleSpec r : spec.rules()) {
            rs.add(r.alert() ? new AlertingRule(r) : new RecordingRule(r));
        }
        this.rules = List.copyOf(rs);
    }

    String key() {
        return key(spec.file().toString(), spec.name());
    }

    static String key(String file, String name) {
        return file + "\u0000" + name;
    }

    /**
     * This group's fixed offset within its interval, so groups spread over the interval instead of all
     * evaluating at once. As Prometheus: the XXH64 hash of the label set {@code {file, name}} modulo
     * the interval in nanoseconds; evaluation instants are then truncated to milliseconds.
     */
    long offsetMs() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (String s : new String[] {"file", spec.file().toString(), "name", spec.name()}) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0xff);
        }
        long offsetNs = Long.remainderUnsigned(XxHash64.hash(b.toByteArray()), intervalMs * 1_000_000L);
        return offsetNs / 1_000_000L;
    }

    /** The latest evaluation instant {@code <= nowMs}: {@code base + k·interval + offset}. */
    long evalTimestamp(long nowMs) {
        long offset = offsetMs();
        long adj = nowMs - offset;
        return adj - Math.floorMod(adj, intervalMs) + offset;
    }

    /** Takes over state from the previous incarnation of this group for rules whose definition did not change. */
    void copyStateFrom(RuleGroup old, List<Labels> staleOut) {
        List<Rule> unused = new ArrayList<>(old.rules);
        for (Rule r : rules) {
            for (int i = 0; i < unused.size(); i++) {
                Rule o = unused.get(i);
                if (o.spec.sameDefinition(r.spec)) {
                    r.health = o.health;
                    r.lastError = o.lastError;
                    r.lastEvalMs = o.lastEvalMs;
                    r.evalNanos = o.evalNanos;
                    r.lastSeries = o.lastSeries;
                    if (r instanceof AlertingRule ar && o instanceof AlertingRule oa) {
                        ar.active.putAll(oa.active);
                        ar.restored = oa.restored;
                    }
                    unused.remove(i);
                    break;
                }
            }
        }
        for (Rule o : unused) {
            staleOut.addAll(o.lastSeries);
        }
        lastEvalMs = old.lastEvalMs;
        evalNanos = old.evalNanos;
        evaluations = old.evaluations;
        failures = old.failures;
        missedIterations = old.missedIterations;
        shouldRestore = old.shouldRestore;
        evalsSinceLoad = old.evalsSinceLoad;
    }

    /** Evaluates every rule at instant {@code ts} (Unix ms) and notifies. */
    synchronized void evalAt(long ts, QueryEngine engine, Queryable storage, Appendable appendable,
            RuleManagerOptions options, Notifier notifier) {
        long start = System.nanoTime();
        long queryTs = ts - queryOffsetMs;
        Rule.Context ctx = new Rule.Context(engine, storage, options, Labels.fromMap(spec.labels()), spec.limit(),
                intervalMs);
        evaluations++;
        for (Rule rule : rules) {
            long ruleStart = System.nanoTime();
            rule.lastEvalMs = ts;
            List<Sample> out;
            try {
                out = rule.eval(ctx, ts, queryTs);
            } catch (RuntimeException e) {
                rule.health = "err";
                rule.lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                rule.failures++;
                failures++;
                rule.evalNanos = System.nanoTime() - ruleStart;
                continue;
            }
            rule.health = "ok";
            rule.lastError = "";
            Set<Labels> now = new HashSet<>();
            Appender app = appendable.appender();
            try {
                for (Sample s : out) {
                    now.add(s.metric());
                    try {
                        app.append(0, s.metric(), queryTs, s.v());
                    } catch (StorageException e) {
                        rule.health = "err";
                        rule.lastError = e.getMessage();
                    }
                }
                for (Labels gone : rule.lastSeries) {
                    if (!now.contains(gone)) {
                        try {
                            app.append(0, gone, queryTs, StaleNaN.VALUE);
                        } catch (StorageException e) {
                            // Out of order or duplicate: the series already has a later sample; nothing to mark.
                        }
                    }
                }
                app.commit();
            } catch (RuntimeException e) {
                app.rollback();
                rule.health = "err";
                rule.lastError = e.getMessage();
                rule.failures++;
                failures++;
                rule.evalNanos = System.nanoTime() - ruleStart;
                continue;
            }
            rule.lastSeries = now;
            if (rule instanceof AlertingRule ar) {
                List<NotifierAlert> send = ar.alertsToSend(ts, options.resendDelayMs(), intervalMs,
                        options.externalUrl());
                if (!send.isEmpty()) {
                    notifier.send(send);
                }
            }
            rule.evalNanos = System.nanoTime() - ruleStart;
        }
        // As Prometheus: restore after the second evaluation, so recording rules that alerts depend
        // on have produced fresh values first.
        if (shouldRestore && ++evalsSinceLoad >= 2) {
            restoreForState(ts, storage, options);
            shouldRestore = false;
        }
        lastEvalMs = ts;
        evalNanos = System.nanoTime() - start;
    }

    /** Writes stale markers for everything this group wrote last (the group was removed). */
    synchronized void markAllStale(long ts, Appendable appendable) {
        List<Labels> all = new ArrayList<>();
        for (Rule r : rules) {
            all.addAll(r.lastSeries);
        }
        writeStale(all, ts, appendable);
    }

    static void writeStale(List<Labels> series, long ts, Appendable appendable) {
        if (series.isEmpty()) {
            return;
        }
        Appender app = appendable.appender();
        for (Labels l : series) {
            try {
                app.append(0, l, ts, StaleNaN.VALUE);
            } catch (StorageException e) {
                // A later sample exists already: the series is not stale at ts.
            }
        }
        app.commit();
    }

    /**
     * Restores {@code activeAt} of pending and firing alerts from the {@code ALERTS_FOR_STATE} samples
     * written before a restart, within the outage tolerance, leaving at least the grace period before
     * an alert fires that had not fired yet.
     */
    private void restoreForState(long ts, Queryable storage, RuleManagerOptions options) {
        long grace = options.forGracePeriodMs();
        for (Rule r : rules) {
            if (!(r instanceof AlertingRule ar)) {
                continue;
            }
            long hold = ar.spec.forMs();
            if (hold < grace || hold == 0) {
                ar.restored = true;
                continue;
            }
            try (Querier q = storage.querier(ts - options.outageToleranceMs(), ts)) {
                for (AlertingRule.Alert a : ar.active.values()) {
                    if (a.state == AlertingRule.State.INACTIVE) {
                        continue;
                    }
                    Labels want = a.labels.toBuilder().set(Labels.METRIC_NAME, AlertingRule.ALERTS_FOR_STATE).build();
                    long[] last = lastSample(q, want, ts - options.outageToleranceMs(), ts);
                    if (last == null) {
                        continue;
                    }
                    long downAt = last[0];
                    long restoredActiveAt = (long) (Double.longBitsToDouble(last[1]) * 1000);
                    long remaining = hold - (downAt - restoredActiveAt);
                    if (remaining <= 0) {
                        // It was firing before the restart; it fires again at the next evaluation.
                    } else if (remaining < grace) {
                        restoredActiveAt = ts - hold + grace;
                    } else {
                        restoredActiveAt += ts - downAt;
                    }
                    a.activeAtMs = restoredActiveAt;
                }
            } catch (RuntimeException e) {
                r.lastError = "restoring for-state: " + e.getMessage();
            }
            ar.restored = true;
        }
    }

    /** Last non-stale sample of exactly {@code want} before {@code ts}: {time, valueBits}, or null. */
    private static long[] lastSample(Querier q, Labels want, long mint, long ts) {
        Matcher[] ms = new Matcher[want.size()];
        for (int i = 0; i < want.size(); i++) {
            ms[i] = Matcher.equal(want.name(i), want.value(i));
        }
        SeriesSet set = q.select(false, SelectHints.of(mint, ts), ms);
        long[] found = null;
        while (set.next()) {
            Series s = set.at();
            if (!s.labels().equals(want)) {
                continue;
            }
            SampleIterator it = s.iterator(null);
            while (it.next()) {
                if (it.atT() >= ts) {
                    break;
                }
                found = new long[] {it.atT(), Double.doubleToRawLongBits(it.atV())};
            }
        }
        if (found != null && StaleNaN.isStale(Double.longBitsToDouble(found[1]))) {
            return null;
        }
        return found;
    }
}
