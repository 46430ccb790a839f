package dev.sextant.bench.jmh;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.query.IndexReader;
import dev.sextant.tsdb.query.Postings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read-only {@link IndexReader} over label sets held in sorted maps, with series references
 * 1..n. Built once in a benchmark's setup; lookups return the stored arrays without copying.
 */
final class MemoryIndex implements IndexReader {
    private final long[] all;
    private final Map<String, TreeMap<String, long[]>> postings = new HashMap<>();
    private final Map<String, List<String>> values = new HashMap<>();
    private final List<String> names;

    MemoryIndex(Labels[] series) {
        Map<String, TreeMap<String, List<Long>>> build = new TreeMap<>();
        all = new long[series.length];
        for (int s = 0; s < series.length; s++) {
            long ref = s + 1;
            all[s] = ref;
            Labels l = series[s];
            for (int i = 0; i < l.size(); i++) {
                build.computeIfAbsent(l.name(i), k -> new TreeMap<>()).computeIfAbsent(l.value(i), k -> new ArrayList<>()).add(ref);
            }
        }
        build.forEach((name, byValue) -> {
            TreeMap<String, long[]> m = new TreeMap<>();
            byValue.forEach((v, refs) -> m.put(v, refs.stream().mapToLong(Long::longValue).toArray()));
            postings.put(name, m);
            values.put(name, List.copyOf(m.keySet()));
        });
        names = List.copyOf(build.keySet());
    }

    @Override
    public long[] allPostings() {
        return all;
    }

    @Override
    public long[] postings(String name, String value) {
        TreeMap<String, long[]> m = postings.get(name);
        long[] p = m == null ? null : m.get(value);
        return p == null ? Postings.EMPTY : p;
    }

    @Override
    public List<String> labelValues(String name) {
        return values.getOrDefault(name, List.of());
    }

    @Override
    public List<String> labelNames() {
        return names;
    }

    int values(String name) {
        return labelValues(name).size();
    }

    @Override
    public String toString() {
        return "MemoryIndex" + Arrays.toString(new int[] {all.length, names.size()});
    }
}
