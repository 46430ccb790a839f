package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.chunk.XorEncoder;
import dev.sextant.tsdb.model.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MemSeries#append} cuts chunks exactly where Prometheus's rules say (open chunk over 1005
 * bytes, the sample at or past {@code nextAt}, 2x the target count, the end-time estimate at a
 * quarter of it): checked against a direct, branch-per-rule transcription of those rules over random
 * streams, including truncation dropping the open chunk and time jumps that overflow {@code t - nextAt}.
 */
class MemSeriesCutRulesTest {
    private static final long H2 = 2 * 3600_000L;

    /** The rules one branch each, on its own encoder (so chunk sizes are the real ones). */
    private static final class Reference extends XorEncoder {
        long openMinT;
        long openMaxT;
        long nextAt = Long.MIN_VALUE;
        long lastT = Long.MIN_VALUE;
        final List<Long> chunkStarts = new ArrayList<>();

        boolean append(long t, long bits, long range, int spc) {
            if (lastT != Long.MIN_VALUE && t <= lastT) {
                return false;
            }
            if (!chunkOpen()) {
                cut(t, range);
            } else {
                int n = chunkSamples();
                if (n == spc / 4) {
                    nextAt = MemSeries.computeChunkEndTime(openMinT, openMaxT, nextAt);
                }
                if (chunkLength() > MemSeries.MAX_CHUNK_BYTES || t >= nextAt || n >= 2 * spc || n >= XorChunk.MAX_SAMPLES) {
                    cut(t, range);
                }
            }
            appendSample(t, bits);
            openMaxT = t;
            lastT = t;
            return true;
        }

        private void cut(long t, long range) {
            dropChunk();
            startChunk();
            chunkStarts.add(t);
            openMinT = t;
            openMaxT = t;
            nextAt = MemSeries.rangeEnd(t, range);
        }

        void dropOpen() {
            dropChunk();
        }
    }

    /** Hands out numbers as handles and keeps nothing (the rules do not read chunks back). */
    private static final class HandleStore implements ChunkStore {
        long next = 1;

        @Override
        public long add(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
            return next++;
        }

        @Override
        public long addInMemory(long seriesRef, long mint, long maxt, byte[] data, int off, int len) {
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

    /** Chunk start times of the series: its full chunks' min times, then the open chunk's. */
    private static List<Long> starts(MemSeries s, List<Long> dropped) {
        List<Long> out = new ArrayList<>(dropped);
        for (int i = 0; i < s.fullCount; i++) {
            out.add(s.mint(i));
        }
        if (s.chunkOpen()) {
            out.add(s.openMinT);
        }
        return out;
    }

    private static void check(long seed, int spc, int samples, boolean randomValues, boolean bigJumps) {
        SplittableRandom r = new SplittableRandom(seed);
        MemSeries s = new MemSeries(1, Labels.of("__name__", "m"));
        Reference ref = new Reference();
        HandleStore slab = new HandleStore();
        List<Long> truncated = new ArrayList<>();
        long t = bigJumps ? -9_000_000_000_000_000_000L : r.nextLong(0, H2);
        double v = 0;
        for (int i = 0; i < samples; i++) {
            long step = bigJumps && r.nextInt(50) == 0 ? 8_000_000_000_000_000_000L : r.nextInt(20) == 0 ? r.nextLong(1, 3 * H2) : 15_000 + r.nextLong(-50, 50);
            if (t > Long.MAX_VALUE - step) {
                break;
            }
            t += step;
            v = randomValues ? r.nextDouble() * 1e9 : v + r.nextInt(10);
            long bits = Double.doubleToRawLongBits(v);
            boolean a = s.append(t, bits, H2, spc, slab);
            boolean b = ref.append(t, bits, H2, spc);
            assertThat(a).isEqualTo(b);
            if (r.nextInt(500) == 0 && s.fullCount == 0 && s.chunkOpen()) {
                // Truncation past the open chunk's end drops it (the series is then collected in
                // the head; here it lives on and its next sample starts a chunk).
                truncated.addAll(starts(s, List.of()));
                assertThat(s.truncateBefore(t + 1, new MemSeries.HandleList())).isTrue();
                ref.dropOpen();
            }
        }
        List<Long> expected = ref.chunkStarts;
        assertThat(starts(s, truncated)).as("seed %d spc %d", seed, spc).isEqualTo(expected);
        assertThat(s.chunkLength()).isEqualTo(ref.chunkLength());
        assertThat(s.chunkBytes()).isEqualTo(ref.chunkOpen() ? ref.chunkBytes() : null);
    }

    @Test
    void cutsWhereTheRulesSayForCountersGaugesAndGaps() {
        for (int spc : new int[] {1, 2, 3, 4, 5, 7, 120, 240}) {
            for (long seed = 0; seed < 20; seed++) {
                check(seed, spc, 3_000, false, false);
                check(seed, spc, 3_000, true, false);
            }
        }
    }

    @Test
    void timeJumpsThatOverflowTheDifferenceStillCut() {
        // t - nextAt overflows when nextAt is near Long.MIN_VALUE and t far positive: the sample is
        // past nextAt and must start a chunk.
        HandleStore slab = new HandleStore();
        MemSeries s = new MemSeries(1, Labels.of("__name__", "m"));
        long t0 = -9_000_000_000_000_000_000L;
        assertThat(s.append(t0, 1, H2, 120, slab)).isTrue();
        assertThat(s.append(t0 + 15_000, 2, H2, 120, slab)).isTrue();
        long far = 9_000_000_000_000_000_000L;
        assertThat(s.append(far, 3, H2, 120, slab)).isTrue();
        assertThat(s.fullCount).isEqualTo(1);
        assertThat(s.openMinT).isEqualTo(far);
        for (long seed = 0; seed < 20; seed++) {
            check(seed, 120, 2_000, false, true);
        }
    }
}
