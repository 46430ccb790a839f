package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Labels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The files must hold an unbroken prefix of each series' chunks, or a restart would skip WAL samples. */
class MemSeriesChunkPrefixTest {
    private static final long H2 = 2 * 3600_000L;

    /** A store that is "full" (returns in-memory handles, negative as HeadChunkFiles' are) while {@code full}. */
    private static final class Store implements ChunkStore {
        boolean full;
        final List<String> calls = new ArrayList<>();
        long next = 1;

        @Override
        public long add(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
            calls.add(full ? "add-spilled" : "add-file");
            return full ? Long.MIN_VALUE | next++ : next++;
        }

        @Override
        public long addInMemory(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
            calls.add("in-memory");
            return Long.MIN_VALUE | next++;
        }

        @Override
        public int length(long handle) {
            return 0;
        }

        @Override
        public int read(long handle, byte[] dst) {
            return 0;
        }

        @Override
        public void free(long handle) {}

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public void close() {}
    }

    @Test
    void afterOneChunkWentToMemoryTheSeriesKeepsItsLaterChunksThereUntilTruncated() {
        Store store = new Store();
        MemSeries s = new MemSeries(1, Labels.of("__name__", "m"));
        long t = 0;
        for (int c = 0; c < 6; c++) {
            if (c == 2) {
                store.full = true; // the disk fills up while the third chunk is cut
            }
            if (c == 3) {
                store.full = false; // space is back
            }
            for (int i = 0; i < 120; i++) {
                assertThat(s.append(t, Double.doubleToRawLongBits(i), H2, 120, store)).isTrue();
                t += 15_000;
            }
        }
        // Chunks 1-5 are frozen (the sixth is open): 1 to a file, 2 to memory (disk full), 3-5 follow it.
        assertThat(store.calls).containsExactly("add-file", "add-spilled", "in-memory", "in-memory", "in-memory");
        // Once truncation dropped the in-memory chunks, new ones go to the files again.
        MemSeries.HandleList freed = new MemSeries.HandleList();
        s.truncateBefore(t - 10 * 15_000L, freed);
        assertThat(s.fullCount).isZero();
        for (int i = 0; i < 120; i++) {
            s.append(t, 0, H2, 120, store);
            t += 15_000;
        }
        assertThat(store.calls.get(store.calls.size() - 1)).isEqualTo("add-file");
    }
}
