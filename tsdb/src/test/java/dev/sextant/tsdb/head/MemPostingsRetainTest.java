package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.query.IndexReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The head's in-place {@link MemPostings#retain} against {@link IndexReader}'s default over copied lists. */
class MemPostingsRetainTest {
    @Test
    void sameAsTheCopyingDefaultForShortAndLongCandidateLists() {
        SplittableRandom r = new SplittableRandom(4);
        MemPostings mp = new MemPostings();
        long ref = 1;
        for (int i = 0; i < 20_000; i++) {
            // Gaps in the refs, and a few refs beyond int range (the list then switches to longs).
            ref += 1 + r.nextInt(3);
            if (i == 19_000) {
                ref = Integer.MAX_VALUE + 10L;
            }
            mp.add(ref, new LabelsBuilder().set("__name__", "m" + r.nextInt(7)).set("ns", "ns-" + r.nextInt(12))
                    .set("pod", "p" + r.nextInt(2000)).build());
        }
        IndexReader copying = new IndexReader() {
            @Override
            public long[] allPostings() {
                return mp.get("", "");
            }

            @Override
            public long[] postings(String name, String value) {
                return mp.get(name, value);
            }

            @Override
            public List<String> labelValues(String name) {
                return mp.values(name);
            }

            @Override
            public List<String> labelNames() {
                return mp.names();
            }
        };
        int nonEmpty = 0;
        for (int round = 0; round < 400; round++) {
            long[] candidates = switch (round % 4) {
                case 0 -> mp.get("__name__", "m" + r.nextInt(7));
                case 1 -> mp.get("pod", "p" + r.nextInt(2000));
                case 2 -> mp.get("", "");
                default -> new long[] {1, 2, 3, ref, ref + 1};
            };
            String name = r.nextInt(5) == 0 ? "pod" : "ns";
            List<String> values = new ArrayList<>();
            for (String v : mp.values(name)) {
                if (r.nextInt(4) == 0) {
                    values.add(v);
                }
            }
            if (r.nextInt(10) == 0) {
                values.add("absent-value");
            }
            long[] expected = copying.retain(candidates, name, values);
            assertThat(mp.retain(candidates, name, values)).isEqualTo(expected);
            nonEmpty += expected.length > 0 ? 1 : 0;
        }
        assertThat(nonEmpty).isGreaterThan(200);
        assertThat(mp.retain(mp.get("", ""), "no-such-label", List.of("x"))).isEmpty();
    }
}
