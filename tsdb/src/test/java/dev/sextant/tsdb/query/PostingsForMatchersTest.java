package dev.sextant.tsdb.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link PostingsForMatchers} against checking every series' labels one by one. */
class PostingsForMatchersTest {
    private static final String[] NAMES = {"__name__", "job", "ns", "pod"};

    @Test
    void sameRefsAsMatchingEverySeries() {
        SplittableRandom r = new SplittableRandom(21);
        // ref -> labels (a label may be absent: empty value)
        List<Map<String, String>> series = new ArrayList<>();
        Map<String, TreeMap<String, List<Long>>> index = new HashMap<>();
        for (int ref = 0; ref < 3000; ref++) {
            Map<String, String> l = new HashMap<>();
            l.put("__name__", "m" + r.nextInt(5));
            l.put("job", "j" + r.nextInt(3));
            if (r.nextInt(4) != 0) {
                l.put("ns", "ns-" + r.nextInt(12));
            }
            l.put("pod", "p" + r.nextInt(400));
            series.add(l);
            for (Map.Entry<String, String> e : l.entrySet()) {
                index.computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add((long) ref);
            }
        }
        IndexReader ix = new IndexReader() {
            @Override
            public long[] allPostings() {
                long[] a = new long[series.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = i;
                }
                return a;
            }

            @Override
            public long[] postings(String name, String value) {
                List<Long> p = index.getOrDefault(name, new TreeMap<>()).getOrDefault(value, List.of());
                return p.stream().mapToLong(Long::longValue).toArray();
            }

            @Override
            public List<String> labelValues(String name) {
                return new ArrayList<>(index.getOrDefault(name, new TreeMap<>()).keySet());
            }

            @Override
            public List<String> labelNames() {
                return new ArrayList<>(new TreeSet<>(index.keySet()));
            }
        };
        String[][] values = {{"m0", "m1", "m.*", "m[0-2]", "x"}, {"j0", "j1", "j.*", "j0|j2"},
            {"ns-1", "ns-(1|2|3)", "ns-1.*", ".*", ""}, {"p1", "p1.*", "p[0-9]", "p.*9"}};
        int nonEmpty = 0;
        for (int round = 0; round < 3000; round++) {
            int k = r.nextInt(1, 4);
            Matcher[] ms = new Matcher[k];
            for (int i = 0; i < k; i++) {
                int n = r.nextInt(NAMES.length);
                String v = values[n][r.nextInt(values[n].length)];
                Matcher.Type t = Matcher.Type.values()[r.nextInt(Matcher.Type.values().length)];
                ms[i] = Matcher.of(t, NAMES[n], v);
            }
            List<Long> want = new ArrayList<>();
            for (int ref = 0; ref < series.size(); ref++) {
                boolean all = true;
                for (Matcher m : ms) {
                    all &= m.matches(series.get(ref).getOrDefault(m.name(), ""));
                }
                if (all) {
                    want.add((long) ref);
                }
            }
            long[] got = PostingsForMatchers.select(ix, ms);
            assertThat(got).as(java.util.Arrays.toString(ms)).containsExactly(
                    want.stream().mapToLong(Long::longValue).toArray());
            nonEmpty += want.isEmpty() ? 0 : 1;
        }
        assertThat(nonEmpty).isGreaterThan(500);
    }
}
