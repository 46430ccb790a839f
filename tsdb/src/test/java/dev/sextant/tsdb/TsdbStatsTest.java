package dev.sextant.tsdb;

import static dev.sextant.tsdb.TsdbTest.A;
import static dev.sextant.tsdb.TsdbTest.B;
import static dev.sextant.tsdb.TsdbTest.H;
import static dev.sextant.tsdb.TsdbTest.fill;
import static dev.sextant.tsdb.TsdbTest.manual;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.head.HeadCardinality;
import dev.sextant.tsdb.head.HeadCardinality.Entry;
import dev.sextant.tsdb.head.WalReplayProgress;
import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.wal.Wal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class TsdbStatsTest {
    @TempDir
    Path dir;

    static long countHeadChunks(Tsdb db) {
        long n = 0;
        Iterator<SeriesChunks> it = db.head().chunksForRange(Long.MIN_VALUE, Long.MAX_VALUE);
        while (it.hasNext()) {
            n += it.next().chunks().size();
        }
        return n;
    }

    static long treeSize(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            long n = 0;
            for (Path q : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(q)) {
                    n += Files.size(q);
                }
            }
            return n;
        }
    }

    @Test
    void countersFollowAppendsRejectionsCompactionAndTruncation() throws IOException, InterruptedException {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(db.samplesAppendedTotal()).isZero();
            assertThat(db.headChunks()).isZero();
            fill(db, 0, 60_000, 15_000, B); // B only lives in the first block: truncation removes it
            fill(db, 0, 4 * H, 15_000, A);
            assertThat(db.samplesAppendedTotal()).isEqualTo(4 + 960);
            assertThat(db.seriesCreatedTotal()).isEqualTo(2);
            assertThat(db.headChunks()).isEqualTo(countHeadChunks(db)).isGreaterThan(2);

            Appender app = db.appender();
            assertThatThrownBy(() -> app.append(0, A, 4 * H - 30_000, 1)).isInstanceOf(StorageException.OutOfOrder.class);
            assertThatThrownBy(() -> app.append(0, A, 4 * H - 15_000, -1)).isInstanceOf(StorageException.DuplicateSample.class);
            assertThatThrownBy(() -> app.append(0, A, 0, 1)).isInstanceOf(StorageException.OutOfBounds.class);
            app.rollback();
            assertThat(db.outOfOrderSamplesTotal()).isEqualTo(1);
            assertThat(db.duplicateSamplesTotal()).isEqualTo(1);
            assertThat(db.outOfBoundsSamplesTotal()).isEqualTo(1);

            long fsyncs = db.walFsyncCount();
            assertThat(db.walSizeBytes()).isEqualTo(treeSize(dir.resolve("wal"))).isPositive();
            assertThat(db.blocksLoaded()).isZero();
            assertThat(db.blocksBytes()).isZero();
            db.compact();
            assertThat(db.compactionsTotal()).isEqualTo(1);
            assertThat(db.compactionsFailedTotal()).isZero();
            assertThat(db.headTruncationsTotal()).isEqualTo(1);
            assertThat(db.seriesRemovedTotal()).isEqualTo(1);
            assertThat(db.headChunks()).isEqualTo(countHeadChunks(db));
            assertThat(db.blocksLoaded()).isEqualTo(1);
            assertThat(db.blocksBytes()).isEqualTo(treeSize(dir.resolve(db.blocks().get(0).ulid())));
            // The checkpoint cut a segment; the finished one is fsynced by the WAL's background thread,
            // so its count may come a moment after compact() returns.
            long waitUntil = System.nanoTime() + 60_000_000_000L;
            while (db.walFsyncCount() <= fsyncs && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
            assertThat(db.walFsyncCount()).isGreaterThan(fsyncs);
            assertThat(db.walFsyncSecondsSum()).isPositive();
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            // Replay re-creates series and chunks but appends no new samples.
            assertThat(db.samplesAppendedTotal()).isZero();
            assertThat(db.seriesCreatedTotal()).isEqualTo(db.head().numSeries()).isPositive();
            assertThat(db.headChunks()).isEqualTo(countHeadChunks(db)).isPositive();
            assertThat(db.walCorruptionsTotal()).isZero();
        }
    }

    @Test
    void corruptWalIsRepairedAndCounted() throws IOException {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, H, 15_000, A, B);
        }
        Path seg = dir.resolve("wal").resolve(Wal.segmentName(Wal.segments(dir.resolve("wal")).get(0)));
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(2000);
            f.write(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(db.walCorruptionsTotal()).isEqualTo(1);
        }
    }

    @Test
    void headCardinalityComesFromPostings() {
        Labels http = Labels.of("__name__", "http", "job", "a", "path", "/x");
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 60_000, 15_000, A, B, http);
            HeadCardinality c = db.headCardinality(10);
            assertThat(c.numSeries()).isEqualTo(3);
            assertThat(c.numLabelPairs()).isEqualTo(5);
            assertThat(c.chunkCount()).isEqualTo(3);
            assertThat(c.minTime()).isZero();
            assertThat(c.maxTime()).isEqualTo(45_000);
            assertThat(c.seriesCountByMetricName()).containsExactly(new Entry("up", 2), new Entry("http", 1));
            assertThat(c.labelValueCountByLabelName())
                    .containsExactly(new Entry("__name__", 2), new Entry("job", 2), new Entry("path", 1));
            assertThat(c.memoryInBytesByLabelName())
                    .containsExactly(new Entry("__name__", 6), new Entry("job", 2), new Entry("path", 2));
            assertThat(c.seriesCountByLabelValuePair()).containsExactly(new Entry("__name__=up", 2),
                    new Entry("job=a", 2), new Entry("__name__=http", 1), new Entry("job=b", 1), new Entry("path=/x", 1));
            HeadCardinality top1 = db.headCardinality(1);
            assertThat(top1.seriesCountByMetricName()).containsExactly(new Entry("up", 2));
            assertThat(top1.seriesCountByLabelValuePair()).containsExactly(new Entry("__name__=up", 2));
            assertThat(db.headCardinality(0).labelValueCountByLabelName()).isEmpty();
        }
    }

    @Test
    void walReplayStatusEndsDoneWithTheSegmentRange() throws Exception {
        // Uncompressed, so that these samples fill several 32 KiB segments.
        TsdbOptions opts = manual().withWalSegmentSize(32 * 1024).withWalCompression(false);
        try (Tsdb db = Tsdb.open(dir, opts)) {
            assertThat(db.walReplayStatus().state()).isEqualTo(WalReplayProgress.DONE);
            Labels[] many = new Labels[12];
            for (int i = 0; i < many.length; i++) {
                many[i] = Labels.of("__name__", "many", "i", Integer.toString(i));
            }
            fill(db, 0, 2 * H, 15_000, many);
        }
        List<Integer> segs = Wal.segments(dir.resolve("wal"));
        assertThat(segs.size()).isGreaterThan(2);
        WalReplayProgress progress = new WalReplayProgress();
        assertThat(progress.get().state()).isEqualTo(WalReplayProgress.WAITING);
        // Another thread polls while open runs; every state it sees is a legal one.
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread poller = new Thread(() -> {
            String last = null;
            while (!WalReplayProgress.DONE.equals(last)) {
                last = progress.get().state();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(last)) {
                    seen.add(last);
                }
            }
        });
        poller.start();
        try (Tsdb db = Tsdb.open(dir, opts, progress)) {
            poller.join(60_000);
            WalReplayProgress.Status st = db.walReplayStatus();
            assertThat(st).isEqualTo(progress.get());
            assertThat(st.state()).isEqualTo(WalReplayProgress.DONE);
            assertThat(st.min()).isEqualTo(segs.get(0));
            assertThat(st.max()).isEqualTo(segs.get(segs.size() - 1));
            assertThat(st.current()).isEqualTo(st.max());
        }
        assertThat(seen).last().isEqualTo(WalReplayProgress.DONE);
        assertThat(seen).isSubsetOf(WalReplayProgress.WAITING, WalReplayProgress.IN_PROGRESS, WalReplayProgress.DONE);
    }

    @Test
    void retentionRunsOnATimerWithoutCompaction() throws Exception {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 4 * H, 15_000, A);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
        }
        TsdbOptions sizeLimited = manual().withBackgroundCompaction(true).withRetentionBytes(1);
        try (Tsdb db = Tsdb.open(dir, sizeLimited, null, 50)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!db.blocks().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(db.blocks()).isEmpty();
        }
        // Without background compaction no timer runs.
        try (Tsdb db = Tsdb.open(dir.resolve("other"), manual())) {
            fill(db, 0, 4 * H, 15_000, A);
            db.compact();
        }
        try (Tsdb db = Tsdb.open(dir.resolve("other"), manual().withRetentionBytes(1), null, 50)) {
            Thread.sleep(300);
            assertThat(db.blocks()).hasSize(1);
        }
    }
}
