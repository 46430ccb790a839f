package dev.sextant.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TombstoneIntervalsTest {
    @TempDir
    Path dir;

    @Test
    void addIntervalKeepsSortedMergedIntervalsWithoutMutatingTheInput() {
        long[] a = Tombstones.addInterval(null, 10, 20);
        assertThat(a).containsExactly(10, 20);
        long[] b = Tombstones.addInterval(a, 30, 40);
        assertThat(b).containsExactly(10, 20, 30, 40);
        assertThat(a).containsExactly(10, 20);
        assertThat(Tombstones.addInterval(b, 0, 5)).containsExactly(0, 5, 10, 20, 30, 40);
        assertThat(Tombstones.addInterval(b, 21, 29)).containsExactly(10, 40); // adjacent on both sides
        assertThat(Tombstones.addInterval(b, 15, 35)).containsExactly(10, 40);
        assertThat(Tombstones.addInterval(b, 12, 18)).containsExactly(10, 20, 30, 40);
        assertThat(Tombstones.addInterval(b, 5, Long.MAX_VALUE)).containsExactly(5, Long.MAX_VALUE);
        assertThat(Tombstones.addInterval(new long[] {0, Long.MAX_VALUE}, 7, 9)).containsExactly(0, Long.MAX_VALUE);
        assertThat(Tombstones.addInterval(b, Long.MIN_VALUE, 9)).containsExactly(Long.MIN_VALUE, 20, 30, 40);
    }

    @Test
    void coversNeedsOneIntervalHoldingTheWholeRange() {
        long[] iv = {10, 20, 30, 40};
        assertThat(Tombstones.covers(iv, 10, 20)).isTrue();
        assertThat(Tombstones.covers(iv, 31, 35)).isTrue();
        assertThat(Tombstones.covers(iv, 15, 35)).isFalse();
        assertThat(Tombstones.covers(null, 1, 1)).isFalse();
    }

    @Test
    void writeThenReadRoundTripsAndLeavesNoTemporaryFile() throws Exception {
        Tombstones.write(dir, Map.of(7L, new long[] {1, 2, 5, 9}, 3L, new long[] {-4, 4}));
        Tombstones t = Tombstones.read(dir.resolve("tombstones"));
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.get(7)).containsExactly(1, 2, 5, 9);
        assertThat(t.get(3)).containsExactly(-4, 4);
        assertThat(t.asMap()).containsOnlyKeys(3L, 7L);
        assertThat(dir.resolve("tombstones.tmp")).doesNotExist();
    }
}
