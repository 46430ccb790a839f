package dev.sextant.tsdb;

import static dev.sextant.tsdb.TsdbTest.A;
import static dev.sextant.tsdb.TsdbTest.B;
import static dev.sextant.tsdb.TsdbTest.H;
import static dev.sextant.tsdb.TsdbTest.H2;
import static dev.sextant.tsdb.TsdbTest.expected;
import static dev.sextant.tsdb.TsdbTest.fill;
import static dev.sextant.tsdb.TsdbTest.manual;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.block.Block;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.Tombstones;
import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import dev.sextant.tsdb.wal.WalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class TsdbAdminTest {
    static final long STEP = 15_000;
    static final Matcher UP = Matcher.equal("__name__", "up");
    static final Matcher JOB_A = Matcher.equal("job", "a");

    @TempDir
    Path dir;

    static List<Sample> without(List<Sample> all, long from, long to) {
        return all.stream().filter(s -> s.t() < from || s.t() > to).toList();
    }

    static Map<Labels, List<Sample>> all(Tsdb db) {
        return Samples.query(db, Long.MIN_VALUE, Long.MAX_VALUE, UP);
    }

    @Test
    void deleteInHeadHidesSamplesBeforeAndAfterRestart() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, H, STEP, A, B);
            db.deleteSeries(10 * 60_000, 20 * 60_000, JOB_A);
            Map<Labels, List<Sample>> got = all(db);
            assertThat(got.get(A)).isEqualTo(without(expected(0, H, STEP, 0), 10 * 60_000, 20 * 60_000));
            assertThat(got.get(A)).hasSize(240 - 41);
            assertThat(got.get(B)).isEqualTo(expected(0, H, STEP, 1));
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            Map<Labels, List<Sample>> got = all(db);
            assertThat(got.get(A)).isEqualTo(without(expected(0, H, STEP, 0), 10 * 60_000, 20 * 60_000));
            assertThat(got.get(B)).isEqualTo(expected(0, H, STEP, 1));
        }
    }

    @Test
    void deletingAWholeHeadSeriesHidesIt() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, H, STEP, A, B);
            db.deleteSeries(Long.MIN_VALUE, Long.MAX_VALUE, JOB_A);
            assertThat(all(db)).containsOnlyKeys(B);
        }
    }

    @Test
    void headTombstonesSurviveCheckpointAndAreDroppedWhenTheHeadIsCompacted() {
        long delFrom = 2 * H;
        long delTo = 2 * H + 20 * 60_000;
        long delOld = 30 * 60_000; // lands in the first block
        TsdbOptions opts = manual().withWalSegmentSize(32 * 1024);
        Labels[] filler = new Labels[8];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = Labels.of("__name__", "filler", "i", Integer.toString(i));
        }
        Labels[] series = new Labels[10];
        series[0] = A;
        series[1] = B;
        System.arraycopy(filler, 0, series, 2, filler.length);
        try (Tsdb db = Tsdb.open(dir, opts)) {
            fill(db, 0, 5 * H / 2, STEP, series);
            // Logged early, so the checkpoint (the older 2/3 of the segments) must carry it.
            db.deleteSeries(delFrom, delTo, JOB_A);
            db.deleteSeries(delOld, delOld + 60_000, JOB_A);
            fill(db, 5 * H / 2, 5 * H, STEP, series);
            db.compact(); // cuts [0, 2h) into a block, truncates the head and checkpoints the WAL
            assertThat(db.blocks()).hasSize(1);
            Checkpoint.Ref cp = Checkpoint.last(dir.resolve("wal"));
            assertThat(cp).isNotNull();
            int stones = 0;
            try (WalReader r = new WalReader(cp.dir(), Wal.segments(cp.dir()))) {
                while (r.next()) {
                    if (Records.type(r.record(), r.recordLength()) == Records.TOMBSTONES) {
                        stones++;
                    }
                }
            }
            assertThat(stones).isEqualTo(1); // the one still inside the head; the older one is dropped
            assertThat(Wal.segments(dir.resolve("wal")).get(0)).isGreaterThan(cp.index());
            BlockMeta m = db.blocks().get(0);
            // The block was written without the deleted samples: no tombstones needed.
            assertThat(m.numSamples()).isEqualTo(10 * 480 - 5);
            assertThat(m.numTombstones()).isZero();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        List<Sample> wantA = without(without(expected(0, 5 * H, STEP, 0), delFrom, delTo), delOld, delOld + 60_000);
        try (Tsdb db = Tsdb.open(dir, opts)) {
            Map<Labels, List<Sample>> got = all(db);
            assertThat(got.get(A)).isEqualTo(wantA);
            assertThat(got.get(B)).isEqualTo(expected(0, 5 * H, STEP, 1));
        }
    }

    @Test
    void deleteInBlockWritesTombstonesAndCleanTombstonesRewritesTheBlock() throws Exception {
        long from = 30 * 60_000;
        long to = 40 * 60_000;
        String oldId;
        Map<Labels, List<Sample>> before;
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 4 * H, STEP, A, B);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            oldId = db.blocks().get(0).ulid();
            db.deleteSeries(from, to, JOB_A);
            before = all(db);
            assertThat(before.get(A)).isEqualTo(without(expected(0, 4 * H, STEP, 0), from, to));
            assertThat(before.get(B)).isEqualTo(expected(0, 4 * H, STEP, 1));
            assertThat(db.blocks().get(0).numTombstones()).isEqualTo(1);
            Tombstones ts = Tombstones.read(dir.resolve(oldId).resolve("tombstones"));
            assertThat(ts.size()).isEqualTo(1);
            assertThat(Files.exists(dir.resolve(oldId).resolve("tombstones.tmp"))).isFalse();
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(all(db)).isEqualTo(before);
            db.cleanTombstones();
            List<BlockMeta> blocks = db.blocks();
            assertThat(blocks).hasSize(1);
            BlockMeta m = blocks.get(0);
            assertThat(m.ulid()).isNotEqualTo(oldId);
            assertThat(m.level()).isEqualTo(1);
            assertThat(m.parents()).extracting(BlockMeta.Parent::ulid).containsExactly(oldId);
            assertThat(m.numTombstones()).isZero();
            assertThat(m.numSamples()).isEqualTo(2 * 480 - 41);
            assertThat(Files.exists(dir.resolve(oldId))).isFalse();
            assertThat(Block.open(dir.resolve(m.ulid())).tombstones().size()).isZero();
            assertThat(all(db)).isEqualTo(before);
        }
        try (Tsdb db = Tsdb.open(dir, manual())) {
            assertThat(all(db)).isEqualTo(before);
        }
    }

    @Test
    void deletingAWholeSeriesInABlockHidesItAndCleaningDropsItsIndexEntry() throws Exception {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 60_000, STEP, B); // B only lives in the first block
            fill(db, 0, 4 * H, STEP, A);
            db.compact();
            db.deleteSeries(0, H2, Matcher.equal("job", "b"));
            assertThat(all(db)).containsOnlyKeys(A);
            db.cleanTombstones();
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.blocks().get(0).numSeries()).isEqualTo(1);
            assertThat(all(db)).containsOnlyKeys(A);
            assertThat(all(db).get(A)).isEqualTo(expected(0, 4 * H, STEP, 0));
        }
    }

    @Test
    void cleanTombstonesDeletesABlockLeftEmpty() {
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 4 * H, STEP, A);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            db.deleteSeries(0, H2 - 1, JOB_A);
            db.cleanTombstones();
            assertThat(db.blocks()).isEmpty();
            assertThat(all(db).get(A)).isEqualTo(expected(H2, 4 * H, STEP, 0));
        }
    }

    @Test
    void blockCompactionDropsTombstonedSamples() {
        long from = H;
        long to = H + 10 * 60_000;
        try (Tsdb db = Tsdb.open(dir, manual())) {
            fill(db, 0, 5 * H, STEP, A, B);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            db.deleteSeries(from, to, JOB_A);
            assertThat(db.blocks().get(0).numTombstones()).isEqualTo(1);
            fill(db, 5 * H, 11 * H, STEP, A, B);
            db.compact(); // cuts [2h, 4h) .. [6h, 8h), then merges [0, 6h) into one level-2 block
            BlockMeta merged = db.blocks().get(0);
            assertThat(merged.level()).isEqualTo(2);
            assertThat(merged.minTime()).isZero();
            assertThat(merged.maxTime()).isEqualTo(6 * H);
            assertThat(merged.numTombstones()).isZero();
            assertThat(merged.numSamples()).isEqualTo(2 * 3 * 480 - 41);
            Map<Labels, List<Sample>> got = all(db);
            assertThat(got.get(A)).isEqualTo(without(expected(0, 11 * H, STEP, 0), from, to));
            assertThat(got.get(B)).isEqualTo(expected(0, 11 * H, STEP, 1));
        }
    }

    @Test
    void snapshotOpensWithTheSameData() {
        Path snaps = dir.resolve("snapshots");
        Path data = dir.resolve("data");
        Map<Labels, List<Sample>> before;
        Path withHead;
        Path noHead;
        try (Tsdb db = Tsdb.open(data, manual())) {
            fill(db, 0, 5 * H, STEP, A, B);
            db.compact();
            db.deleteSeries(H, H + 60_000, JOB_A);
            before = all(db);
            withHead = db.snapshot(snaps, false);
            noHead = db.snapshot(snaps, true);
            assertThat(withHead.getFileName().toString()).matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}");
            assertThat(withHead.getParent()).isEqualTo(snaps);
            assertThat(noHead).isNotEqualTo(withHead);
        }
        try (Tsdb snap = Tsdb.open(withHead, manual())) {
            assertThat(snap.blocks()).hasSize(2);
            assertThat(all(snap)).isEqualTo(before);
        }
        try (Tsdb snap = Tsdb.open(noHead, manual())) {
            Map<Labels, List<Sample>> got = all(snap);
            assertThat(got.get(A)).isEqualTo(without(expected(0, H2, STEP, 0), H, H + 60_000));
            assertThat(got.get(B)).isEqualTo(expected(0, H2, STEP, 1));
        }
        // The original is untouched by opening the snapshots.
        try (Tsdb db = Tsdb.open(data, manual())) {
            assertThat(all(db)).isEqualTo(before);
        }
    }
}
