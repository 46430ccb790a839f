package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemPostingsRefListTest {
    @Test
    void keepsRefsSortedThroughGrowthLateArrivalsAndTheSwitchToLongs() {
        MemPostings.RefList rl = new MemPostings.RefList("a", "b");
        long[] expected = new long[1003];
        int k = 0;
        for (long r = 1; r <= 1000; r++) {
            // Every tenth ref arrives one step late, as a concurrent creation may.
            if (r % 10 == 0) {
                continue;
            }
            rl.add(r);
            if (r % 10 == 1 && r > 1) {
                rl.add(r - 1);
            }
        }
        rl.add(1000);
        for (long r = 1; r <= 1000; r++) {
            expected[k++] = r;
        }
        long big = Integer.MAX_VALUE + 5L;
        rl.add(big);
        rl.add(big + 1);
        rl.add(Integer.MAX_VALUE + 2L);
        expected[k++] = Integer.MAX_VALUE + 2L;
        expected[k++] = big;
        expected[k++] = big + 1;
        assertThat(rl.n).isEqualTo(1003);
        assertThat(rl.copy()).isEqualTo(expected);
        rl.set(new long[] {3, 7, big});
        assertThat(rl.copy()).containsExactly(3, 7, big);
        rl.set(new long[0]);
        assertThat(rl.n).isZero();
        rl.add(9);
        assertThat(rl.copy()).isEqualTo(new long[] {9});
        assertThat(Arrays.stream(expected).sorted().toArray()).isEqualTo(expected);
    }
}
