package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {
    @Test
    void behavesLikeHashMapUnderRandomPutsAndRemoves() {
        Random r = new Random(3);
        LongObjectMap<String> m = new LongObjectMap<>();
        Map<Long, String> ref = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long k = 1 + r.nextInt(5000) * (r.nextBoolean() ? 1L : 1L << 33); // collisions across the high bits
            if (r.nextInt(3) == 0) {
                m.remove(k);
                ref.remove(k);
            } else {
                m.put(k, "v" + i);
                ref.put(k, "v" + i);
            }
            if (i % 10_000 == 0) {
                for (Map.Entry<Long, String> e : ref.entrySet()) {
                    assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
        assertThat(m.size()).isEqualTo(ref.size());
        for (Map.Entry<Long, String> e : ref.entrySet()) {
            assertThat(m.get(e.getKey())).isEqualTo(e.getValue());
        }
        int[] n = new int[1];
        m.forEachValue(v -> n[0]++);
        assertThat(n[0]).isEqualTo(ref.size());
        assertThat(m.get(999_999_999L)).isNull();
        assertThatThrownBy(() -> m.put(0, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
