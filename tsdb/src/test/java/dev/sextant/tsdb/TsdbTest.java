package dev.sextant.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class TsdbTest {
    static final long H = 3600_000L;
    static final long H2 = 2 * H;
    static final Labels A = Labels.of("__name__", "up", "job", "a");
    static final Labels B = Labels.of("__name__", "up", "job", "b");

    @TempDir
    Path dir;

    static TsdbOptions manual() {
        return TsdbOptions.defaults().withBackgroundCompaction(false).withWalSegmentSize(64 * 1024).withClock(() -> 1_700_000_000_000L);
    }

    /** Appends samples every {@code step} ms in [from, to) for the given series, one commit per timestamp. */
    static void fill(Tsdb db, long from, long to, long step, Labels... series) {
        long[] refs = new long[series.length];
        for (long t = from; t < to; t += step) {
            Appender app = db.appender();
            for (int i = 0; i < series.length; i++) {
                refs[i] = app.append(refs[i], series[i], t, t / 1000.0 + i);
            }
            app.commit();
        }
    }

    static List<Sample> expected(long from, long to, long step, int i) {
        List<Sample> out = new java.util.ArrayList<>();
        for (long t = from; t < to; t += step) {
            out.add(Sample.of(t, t / 1000.0 + i));
        }
        return out;
    }

    @Test
    void appendQueryCloseReopen() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 60_000, 15_000, A, B);
            assertThat(Files.exists(dir.resolve("lock"))).isTrue();
        }
        assertThat(Files.exists(dir.resolve("lock"))).isFalse();
        try (Tsdb db = Tsdb.open(dir, manual())) {
            Map<Labels, List<Sample>> got = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"));
            assertThat(got.get(A)).isEqualTo(expected(0, 60_000, 15_000, 0));
            assertThat(got.get(B)).isEqualTo(expected(0, 60_000, 15_000, 1));
        }
    }

    @Test
    void refusesNonEmptyWriteBehindLogAndRemovesHeadSnapshots() throws IOException {
        Files.createDirectories(dir.resolve("wbl"));
        Files.write(dir.resolve("wbl/00000000"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Tsdb.open(dir, manual())).isInstanceOf(StorageException.class).hasMessageContaining("wbl");
        assertThat(Files.exists(dir.resolve("lock"))).isFalse();
        Files.write(dir.resolve("wbl/00000000"), new byte[0]);
        Files.createDirectories(dir.resolve("chunk_snapshot.000001.0000000042"));
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(db.blocks()).isEmpty();
            assertThat(Files.exists(dir.resolve("chunk_snapshot.000001.0000000042"))).isFalse();
            assertThat(Files.exists(dir.resolve("wbl/00000000"))).isTrue();
        }
    }

    @Test
    void selectHintsPruneChunksOutsideTheNeededRange() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 60_000, 15_000, B); // B only has data in the first minute
            fill(db, 0, 4 * H, 15_000, A); // a block [0, 2h) and the head
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"))).containsOnlyKeys(A, B);
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                Map<Labels, List<Sample>> got = Samples.read(q.select(true,
                        dev.sextant.tsdb.storage.SelectHints.of(3 * H, 3 * H + 60_000), Matcher.equal("__name__", "up")));
                assertThat(got).containsOnlyKeys(A);
                // Whole chunks around the hinted range come back, still clipped to the querier range.
                assertThat(got.get(A)).contains(Sample.of(3 * H, 3 * H / 1000.0)).doesNotContain(Sample.of(0, 0));
            }
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                Map<Labels, List<Sample>> got = Samples.read(q.select(true,
                        dev.sextant.tsdb.storage.SelectHints.of(0, 30_000), Matcher.equal("__name__", "up")));
                assertThat(got).containsOnlyKeys(A, B);
                assertThat(got.get(B)).isEqualTo(expected(0, 60_000, 15_000, 0));
            }
        }
    }

    @Test
    void secondOpenOfSameDirectoryFails() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(db.dir()).isEqualTo(dir);
            assertThatThrownBy(() -> Tsdb.open(dir, manual())).isInstanceOf(StorageException.class).hasMessageContaining("locked");
        }
    }

    @Test
    void headIsCutIntoTwoHourBlocksAndQueriesSpanBlocksAndHead() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 4 * H, 15_000, A, B);
            db.compact();
            List<BlockMeta> blocks = db.blocks();
            assertThat(blocks).hasSize(1);
            assertThat(blocks.get(0).minTime()).isZero();
            assertThat(blocks.get(0).maxTime()).isEqualTo(H2);
            assertThat(blocks.get(0).numSamples()).isEqualTo(2 * 480);
            assertThat(db.head().minTime()).isEqualTo(H2);
            Map<Labels, List<Sample>> got = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "up"));
            assertThat(got.get(A)).isEqualTo(expected(0, 4 * H, 15_000, 0));
            assertThat(got.get(B)).isEqualTo(expected(0, 4 * H, 15_000, 1));
            assertThatThrownBy(() -> {
                Appender app = db.appender();
                app.append(0, A, H2 - 1, 0);
            }).isInstanceOf(StorageException.OutOfBounds.class);
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            // After a restart the WAL (checkpoint + segments) holds only what the head still needs.
            Map<Labels, List<Sample>> got = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("job", "a"));
            assertThat(got.get(A)).isEqualTo(expected(0, 4 * H, 15_000, 0));
            assertThat(db.head().minTime()).isGreaterThanOrEqualTo(H2);
        }
    }

    @Test
    void leveledCompactionMergesThreeTwoHourBlocksIntoSixHours() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            for (long t = 0; t < 12 * H; t += H) {
                fill(db, t, t + H, 60_000, A);
                db.compact();
            }
            List<BlockMeta> blocks = db.blocks();
            BlockMeta first = blocks.get(0);
            assertThat(first.minTime()).isZero();
            assertThat(first.maxTime()).isEqualTo(6 * H);
            assertThat(first.level()).isEqualTo(2);
            assertThat(first.parents()).hasSize(3);
            assertThat(first.sources()).hasSize(3);
            assertThat(first.numSamples()).isEqualTo(360);
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(A))
                    .isEqualTo(expected(0, 12 * H, 60_000, 0));
            for (BlockMeta.Parent p : first.parents()) {
                assertThat(Files.exists(dir.resolve(p.ulid()))).isFalse();
            }
        }
    }

    @Test
    void timeRetentionDeletesOldBlocksButNeverTheNewest() {
        try (Tsdb db = Tsdb.open(dir, manual().withRetention(5 * H))) {
            // Retention 5h: max block duration 30 min -> only 2h blocks, no merging.
            for (long t = 0; t < 14 * H; t += H) {
                fill(db, t, t + H, 60_000, A);
                db.compact();
            }
            List<BlockMeta> blocks = db.blocks();
            long newest = blocks.get(blocks.size() - 1).maxTime();
            assertThat(blocks).allSatisfy(b -> assertThat(newest - b.maxTime()).isLessThan(5 * H));
            assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
            assertThat(blocks.get(0).minTime()).isGreaterThan(0);
        }
    }

    static long size(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(x -> x.toFile().length()).sum();
        }
    }

    private long blockBytes(Tsdb db) throws IOException {
        long n = 0;
        for (BlockMeta m : db.blocks()) {
            n += size(dir.resolve(m.ulid()));
        }
        return n;
    }

    @Test
    void sizeRetentionKeepsTotalUnderTheLimit() throws IOException {
        long before;
        int blocksBefore;
        try (Tsdb db = Tsdb.open(dir, manual().withRetention(0))) {
            for (long t = 0; t < 40 * H; t += H) {
                fill(db, t, t + H, 5_000, A, B);
                db.compact();
            }
            before = blockBytes(db);
            blocksBefore = db.blocks().size();
        }
        assertThat(blocksBefore).isGreaterThan(2);
        long limit = size(dir.resolve("wal")) + before * 2 / 3;
        try (Tsdb db = Tsdb.open(dir, manual().withRetention(0).withRetentionBytes(limit))) {
            db.compact();
            long after = blockBytes(db);
            long wal = size(dir.resolve("wal"));
            assertThat(db.blocks()).isNotEmpty();
            assertThat(db.blocks().size()).isLessThan(blocksBefore);
            assertThat(after + wal).as("blocks %d + wal %d", after, wal).isLessThanOrEqualTo(limit);
            assertThat(db.blocks().get(0).minTime()).as("the oldest blocks go first").isGreaterThan(0);
        }
    }

    static ChunkMeta chunk(long from, int n, long step) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < n; i++) {
            a.append(from + i * step, (from + i * step) / 1000.0);
        }
        return new ChunkMeta(from, from + (n - 1) * step, c.bytes());
    }

    @Test
    void overlappingBlocksAreDeduplicatedOnReadAndMergedByCompaction() throws IOException {
        BlockWriter.write(dir, 0, H2, List.of(new SeriesChunks(A, List.of(chunk(0, 100, 60_000)))).iterator(),
                BlockWriter.Origin.head(), 1, 120);
        BlockWriter.write(dir, H, H + H2, List.of(new SeriesChunks(A, List.of(chunk(H, 100, 60_000)))).iterator(),
                BlockWriter.Origin.head(), 2, 120);
        Files.createDirectories(dir.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV" + BlockWriter.TMP_CREATION));
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(Files.exists(dir.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV" + BlockWriter.TMP_CREATION))).isFalse();
            assertThat(db.blocks()).hasSize(2);
            List<Sample> got = Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(A);
            // [0, 99 min] and [60, 159 min]: 160 distinct minutes, the overlap once.
            assertThat(got).hasSize(160);
            assertThat(got).isEqualTo(expected(0, 160 * 60_000L, 60_000, 0));
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.blocks().get(0).level()).isEqualTo(2);
            assertThat(db.blocks().get(0).numSamples()).isEqualTo(160);
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(A)).isEqualTo(got);
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                assertThat(q.labelValues("job")).containsExactly("a");
            }
        }
    }

    @Test
    void backgroundCompactionPersistsTheHead() throws InterruptedException {
        try (Tsdb db = Tsdb.open(dir, TsdbOptions.defaults().withWalSegmentSize(64 * 1024))) {
            fill(db, 0, 4 * H, 30_000, A);
            for (int i = 0; i < 1_200 && db.blocks().isEmpty(); i++) { // up to 60 s on a loaded machine
                Thread.sleep(50);
            }
            assertThat(db.blocks()).hasSize(1);
            assertThat(Samples.query(db, 0, Long.MAX_VALUE, Matcher.equal("job", "a")).get(A))
                    .isEqualTo(expected(0, 4 * H, 30_000, 0));
        }
    }
}
