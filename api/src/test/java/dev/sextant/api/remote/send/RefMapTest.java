package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RefMapTest {
    private static void check(long[] keys) {
        RefMap<String> m = new RefMap<>();
        Map<Long, String> want = new HashMap<>();
        for (long k : keys) {
            m.put(k, "v" + k);
            want.put(k, "v" + k);
        }
        assertThat(m.size()).isEqualTo(want.size());
        for (Map.Entry<Long, String> e : want.entrySet()) {
            assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(m.get(-42)).isNull();
        m.retain((k, v) -> k % 2 == 0);
        for (long k : keys) {
            assertThat(m.get(k)).isEqualTo(k % 2 == 0 ? "v" + k : null);
        }
    }

    @Test
    void sequentialStridedAndRandomRefs() {
        long[] seq = new long[100_000];
        long[] strided = new long[20_000];
        long[] random = new long[50_000];
        Random rnd = new Random(3);
        for (int i = 0; i < seq.length; i++) {
            seq[i] = i + 1;
        }
        for (int i = 0; i < strided.length; i++) {
            strided[i] = (long) i * 4096;
        }
        for (int i = 0; i < random.length; i++) {
            random[i] = rnd.nextLong() == Long.MIN_VALUE ? 1 : rnd.nextLong() & Long.MAX_VALUE;
        }
        check(seq);
        check(strided);
        check(random);
        check(new long[] {Long.MAX_VALUE, 1L << 32, (1L << 32) + 1, 0, -1});
    }

    @Test
    void overwriteKeepsOneEntry() {
        RefMap<String> m = new RefMap<>();
        m.put(7, "a");
        m.put(7, "b");
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.get(7)).isEqualTo("b");
    }
}
