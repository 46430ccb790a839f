package dev.sextant.api.v1;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cardinality statistics computed through the storage contracts alone, by walking every series.
 * Used for storage that offers nothing better; costs O(series) per call, as Prometheus's does.
 */
public final class QueryableTsdbStatus implements TsdbStatus {
    private final Queryable storage;
    private final long windowStart;

    /** @param windowStart first millisecond considered part of the "head" */
    public QueryableTsdbStatus(Queryable storage, long windowStart) {
        this.storage = storage;
        this.windowStart = windowStart;
    }

    @Override
    public Stats stats(int limit) {
        Map<String, long[]> byName = new HashMap<>();
        Map<String, Set<String>> valuesByLabel = new HashMap<>();
        Map<String, long[]> bytesByLabel = new HashMap<>();
        Map<String, long[]> byPair = new HashMap<>();
        Set<String> pairs = new HashSet<>();
        long numSeries = 0;
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        try (Querier q = storage.querier(windowStart, TimeRange.MAX_TIME)) {
            SeriesSet set = q.select(false, null, Matcher.regex(Labels.METRIC_NAME, ".+"));
            SampleIterator reuse = null;
            while (set.next()) {
                Labels l = set.at().labels();
                numSeries++;
                count(byName, l.metricName());
                for (int i = 0; i < l.size(); i++) {
                    String pair = l.name(i) + "=" + l.value(i);
                    count(byPair, pair);
                    if (pairs.add(pair)) {
                        valuesByLabel.computeIfAbsent(l.name(i), k -> new HashSet<>()).add(l.value(i));
                        bytesByLabel.computeIfAbsent(l.name(i), k -> new long[1])[0] += l.value(i).length();
                    }
                }
                SampleIterator it = set.at().iterator(reuse);
                reuse = it;
                while (it.next()) {
                    long t = it.atT();
                    if (t < minTime) {
                        minTime = t;
                    }
                    if (t > maxTime) {
                        maxTime = t;
                    }
                }
            }
        }
        Map<String, long[]> valueCounts = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : valuesByLabel.entrySet()) {
            valueCounts.put(e.getKey(), new long[] {e.getValue().size()});
        }
        return new Stats(numSeries, pairs.size(), 0, minTime, maxTime, top(byName, limit), top(valueCounts, limit),
                top(bytesByLabel, limit), top(byPair, limit));
    }

    @Override
    public WalReplay walReplay() {
        return new WalReplay(0, 0, 0, "done");
    }

    private static void count(Map<String, long[]> m, String key) {
        m.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    /** The {@code limit} largest entries, by value descending then name. */
    static List<Entry> top(Map<String, long[]> m, int limit) {
        List<Entry> all = new ArrayList<>(m.size());
        for (Map.Entry<String, long[]> e : m.entrySet()) {
            all.add(new Entry(e.getKey(), e.getValue()[0]));
        }
        all.sort((a, b) -> a.value() != b.value() ? Long.compare(b.value(), a.value()) : a.name().compareTo(b.name()));
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }
}
