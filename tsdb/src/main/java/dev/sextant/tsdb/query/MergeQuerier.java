package dev.sextant.tsdb.query;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Merges several queriers (blocks and the head) into one. Series with equal labels from different
 * sources become one series whose samples are merged in time order; a timestamp present in more
 * than one source yields one sample (the first source's value), so overlapping blocks and the head
 * never produce duplicates.
 *
 * <p>Lifetime: owns the given queriers and closes them. Thread-safety: not thread-safe.
 */
public final class MergeQuerier implements Querier {
    private final List<Querier> queriers;

    public MergeQuerier(List<Querier> queriers) {
        this.queriers = queriers;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        if (queriers.size() == 1) {
            return queriers.get(0).select(sorted, hints, matchers);
        }
        List<SeriesSet> sets = new ArrayList<>(queriers.size());
        for (Querier q : queriers) {
            sets.add(q.select(true, hints, matchers));
        }
        return new MergeSeriesSet(sets);
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        TreeSet<String> all = new TreeSet<>();
        for (Querier q : queriers) {
            all.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(all);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        TreeSet<String> all = new TreeSet<>();
        for (Querier q : queriers) {
            all.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(all);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Querier q : queriers) {
            try {
                q.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** K-way merge of sorted series sets. */
    static final class MergeSeriesSet implements SeriesSet {
        private final SeriesSet[] sets;
        private final boolean[] has;
        private Series current;
        private Throwable err;
        private boolean started;

        MergeSeriesSet(List<SeriesSet> sets) {
            this.sets = sets.toArray(new SeriesSet[0]);
            this.has = new boolean[this.sets.length];
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                for (int i = 0; i < sets.length; i++) {
                    has[i] = advance(i);
                }
            }
            Labels min = null;
            for (int i = 0; i < sets.length; i++) {
                if (has[i] && (min == null || sets[i].at().labels().compareTo(min) < 0)) {
                    min = sets[i].at().labels();
                }
            }
            if (min == null) {
                return false;
            }
            List<Series> same = new ArrayList<>(2);
            for (int i = 0; i < sets.length; i++) {
                if (has[i] && sets[i].at().labels().equals(min)) {
                    same.add(sets[i].at());
                    has[i] = advance(i);
                }
            }
            current = same.size() == 1 ? same.get(0) : new MergedSeries(min, same.toArray(new Series[0]));
            return true;
        }

        private boolean advance(int i) {
            if (sets[i].next()) {
                return true;
            }
            if (sets[i].error() != null && err == null) {
                err = sets[i].error();
            }
            return false;
        }

        @Override
        public Series at() {
            return current;
        }

        @Override
        public Throwable error() {
            return err;
        }
    }

    record MergedSeries(Labels labels, Series[] parts) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            SampleIterator[] its = new SampleIterator[parts.length];
            for (int i = 0; i < parts.length; i++) {
                its[i] = parts[i].iterator(null);
            }
            return new MergeIterator(its);
        }
    }

    /** Merges iterators by time; equal timestamps yield the first iterator's sample once. */
    static final class MergeIterator implements SampleIterator {
        private final SampleIterator[] its;
        private final boolean[] ok;
        private int cur = -1;
        private boolean started;
        private Throwable err;

        MergeIterator(SampleIterator[] its) {
            this.its = its;
            this.ok = new boolean[its.length];
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                for (int i = 0; i < its.length; i++) {
                    ok[i] = its[i].next();
                    noteError(i);
                }
            } else if (cur >= 0) {
                long t = its[cur].atT();
                // Step every iterator sitting on the emitted timestamp (duplicates across sources).
                for (int i = 0; i < its.length; i++) {
                    if (ok[i] && its[i].atT() == t) {
                        ok[i] = its[i].next();
                        noteError(i);
                    }
                }
            } else {
                return false;
            }
            return pick();
        }

        private boolean pick() {
            cur = -1;
            long best = Long.MAX_VALUE;
            for (int i = 0; i < its.length; i++) {
                if (ok[i] && (cur < 0 || its[i].atT() < best)) {
                    best = its[i].atT();
                    cur = i;
                }
            }
            return cur >= 0;
        }

        private void noteError(int i) {
            if (!ok[i] && err == null && its[i].error() != null) {
                err = its[i].error();
            }
        }

        @Override
        public boolean seek(long t) {
            if (started && cur < 0) {
                return false;
            }
            if (started && its[cur].atT() >= t) {
                return true;
            }
            for (int i = 0; i < its.length; i++) {
                if (!started || ok[i]) {
                    ok[i] = its[i].seek(t);
                    noteError(i);
                }
            }
            started = true;
            return pick();
        }

        @Override
        public long atT() {
            return its[cur].atT();
        }

        @Override
        public double atV() {
            return its[cur].atV();
        }

        @Override
        public Throwable error() {
            return err;
        }
    }
}
