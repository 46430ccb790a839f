package dev.sextant.promql.rules;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small in-memory storage for rule unit tests (the rules package may only use the storage
 * contracts, so it brings its own). Samples are kept per series in time order; a later sample at the
 * same timestamp replaces the earlier one.
 *
 * <p>Thread-safety: thread-safe (coarse lock); queriers copy what they select.
 */
final class UnitTestStorage implements Appendable, Queryable {
    private final Map<Labels, TreeMap<Long, Double>> series = new HashMap<>();

    @Override
    public Appender appender() {
        return new Appender() {
            private final List<Object[]> pending = new ArrayList<>();

            @Override
            public long append(long ref, Labels labels, long t, double v) {
                pending.add(new Object[] {labels, t, v});
                return 0;
            }

            @Override
            public void commit() {
                synchronized (UnitTestStorage.this) {
                    for (Object[] p : pending) {
                        series.computeIfAbsent((Labels) p[0], k -> new TreeMap<>()).put((Long) p[1], (Double) p[2]);
                    }
                }
                pending.clear();
            }

            @Override
            public void rollback() {
                pending.clear();
            }
        };
    }

    @Override
    public synchronized Querier querier(long mint, long maxt) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
                List<Series> out = new ArrayList<>();
                synchronized (UnitTestStorage.this) {
                    List<Labels> keys = new ArrayList<>(series.keySet());
                    keys.sort(null);
                    for (Labels l : keys) {
                        if (!matches(l, matchers)) {
                            continue;
                        }
                        TreeMap<Long, Double> in = new TreeMap<>(series.get(l).subMap(mint, true, maxt, true));
                        if (in.isEmpty()) {
                            continue;
                        }
                        long[] ts = new long[in.size()];
                        double[] vs = new double[in.size()];
                        int i = 0;
                        for (Map.Entry<Long, Double> e : in.entrySet()) {
                            ts[i] = e.getKey();
                            vs[i++] = e.getValue();
                        }
                        out.add(new ArraySeries(l, ts, vs));
                    }
                }
                return new SeriesSet() {
                    int i = -1;

                    @Override
                    public boolean next() {
                        return ++i < out.size();
                    }

                    @Override
                    public Series at() {
                        return out.get(i);
                    }
                };
            }

            @Override
            public List<String> labelNames(Matcher... matchers) {
                TreeSet<String> names = new TreeSet<>();
                synchronized (UnitTestStorage.this) {
                    for (Labels l : series.keySet()) {
                        if (matches(l, matchers)) {
                            l.forEach((n, v) -> names.add(n));
                        }
                    }
                }
                return new ArrayList<>(names);
            }

            @Override
            public List<String> labelValues(String name, Matcher... matchers) {
                TreeSet<String> values = new TreeSet<>();
                synchronized (UnitTestStorage.this) {
                    for (Labels l : series.keySet()) {
                        if (matches(l, matchers) && l.has(name)) {
                            values.add(l.get(name));
                        }
                    }
                }
                return new ArrayList<>(values);
            }

            @Override
            public void close() {
            }
        };
    }

    private static boolean matches(Labels l, Matcher[] matchers) {
        for (Matcher m : matchers) {
            String v = l.get(m.name());
            if (!m.matches(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }

    private record ArraySeries(Labels labels, long[] ts, double[] vs) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new SampleIterator() {
                int i = -1;

                @Override
                public boolean next() {
                    return ++i < ts.length;
                }

                @Override
                public boolean seek(long t) {
                    if (i < 0) {
                        i = 0;
                    }
                    while (i < ts.length && ts[i] < t) {
                        i++;
                    }
                    return i < ts.length;
                }

                @Override
                public long atT() {
                    return ts[i];
                }

                @Override
                public double atV() {
                    return vs[i];
                }
            };
        }
    }
}
