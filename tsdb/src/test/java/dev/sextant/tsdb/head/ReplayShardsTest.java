package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Wal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class ReplayShardsTest {
    private static final long H2 = 2 * 3600_000L;

    @TempDir
    Path dir;

    @Test
    void eachSeriesGetsItsSamplesInOrderAcrossWorkersAndDrainPublishesTheCounts() {
        List<MemSeries> series = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            series.add(new MemSeries(i, Labels.of("__name__", "m", "i", Integer.toString(i))));
        }
        SlabChunkStore store = new SlabChunkStore();
        series.get(1).mmMaxT = 1000L + 99 * 15_000L; // its first 100 samples are in loaded chunks
        try (ReplayShards shards = new ReplayShards(3, (s, t, bits) -> {
            if (t <= s.mmMaxT) {
                return ReplayShards.SKIPPED;
            }
            synchronized (s) {
                int before = s.chunkCount();
                return s.append(t, bits, H2, 120, store) ? 1 + s.chunkCount() - before : 0;
            }
        })) {
            int n = 0;
            for (MemSeries s : series) {
                shards.register(s);
            }
            for (int k = 0; k < 2000; k++) {
                for (MemSeries s : series) {
                    shards.add(s.ref, 1000L + k * 15_000L, Double.doubleToRawLongBits(k));
                    n++;
                }
                if (k == 10) {
                    // A stale repeat: dropped by the series, not counted.
                    shards.add(series.get(0).ref, 1000L, Double.doubleToRawLongBits(0));
                    // A ref nobody registered: counted as unknown.
                    shards.add(999, 1000L, 0);
                }
            }
            shards.drain();
            assertThat(shards.appended()).isEqualTo(n - 100);
            assertThat(shards.skipped()).isEqualTo(100);
            assertThat(shards.unknown()).isEqualTo(1);
            assertThat(shards.minTime()).isEqualTo(1000L);
            assertThat(shards.maxTime()).isEqualTo(1000L + 1999 * 15_000L);
            assertThat(shards.newChunks()).isEqualTo(series.stream().mapToLong(MemSeries::chunkCount).sum());
            for (MemSeries s : series) {
                assertThat(s.lastT).isEqualTo(1000L + 1999 * 15_000L);
            }
        } finally {
            store.close();
        }
    }

    @Test
    void aWorkerFailureIsRethrownByDrainWithoutBlockingTheReader() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "m"));
        try (ReplayShards shards = new ReplayShards(2, (x, t, bits) -> {
            throw new IllegalStateException("disk full");
        })) {
            shards.register(s);
            for (int k = 0; k < 10 * ReplayShards.BATCH; k++) {
                shards.add(s.ref, k, 0);
            }
            assertThatThrownBy(shards::drain).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        }
    }

    @Test
    void replayOnWorkersRestoresEverySampleAndAppliesTombstonesAfterEarlierSamples() throws Exception {
        HeadOptions opts = new HeadOptions(H2, 120, 16, 64 * Wal.PAGE_SIZE);
        int seriesCount = 3000;
        int rounds = 30;
        Labels[] labels = new Labels[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            labels[i] = Labels.of("__name__", "m" + (i % 7), "i", Integer.toString(i));
        }
        try (Head head = Head.open(dir, opts, Long.MIN_VALUE)) {
            long[] refs = new long[seriesCount];
            for (int r = 0; r < rounds; r++) {
                Appender app = head.appender();
                for (int i = 0; i < seriesCount; i++) {
                    refs[i] = app.append(refs[i], labels[i], 1000L + r * 15_000L, r * 10 + i);
                }
                app.commit();
                if (r == 19) {
                    // Deletes rounds 5..9 of series i=0..2999 named m3; later samples are kept.
                    head.delete(1000L + 5 * 15_000L, 1000L + 9 * 15_000L, Matcher.equal("__name__", "m3"));
                }
            }
        }
        try (Head head = Head.open(dir, opts, Long.MIN_VALUE)) {
            assertThat(ReplayShards.defaultThreads()).isEqualTo(
                    Runtime.getRuntime().availableProcessors() <= 1 ? 0 : Math.min(8, Runtime.getRuntime().availableProcessors()));
            Map<Labels, List<Sample>> all = Samples.query(head, 0, Long.MAX_VALUE, Matcher.regex("__name__", ".+"));
            assertThat(all).hasSize(seriesCount);
            for (int i = 0; i < seriesCount; i++) {
                List<Sample> expected = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    if (i % 7 == 3 && r >= 5 && r <= 9) {
                        continue;
                    }
                    expected.add(Sample.of(1000L + r * 15_000L, r * 10 + i));
                }
                assertThat(all.get(labels[i])).as("series %d", i).isEqualTo(expected);
            }
            assertThat(head.minTime()).isEqualTo(1000L);
            assertThat(head.maxTime()).isEqualTo(1000L + (rounds - 1) * 15_000L);
        }
    }
}
