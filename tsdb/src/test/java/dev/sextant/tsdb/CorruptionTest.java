package dev.sextant.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Wal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files on open: a flipped byte or a truncation in a block's meta.json, index, chunk
 * segment or tombstones, and in a WAL segment. The TSDB always opens. A block that fails its
 * checks is set aside as {@code <ULID>.corrupted} and counted, and the rest of the data is served;
 * a block that passes serves exactly the original samples or, for damaged chunk bytes (checked
 * when read), fails the query with an error. Never wrong samples. A damaged WAL is truncated at the
 * bad record, as Prometheus does: each series keeps a prefix of its samples.
 */
class CorruptionTest {
    private static final long HOUR = 3600_000L;
    private static final long STEP = 15_000L;
    private static final long END = 4 * HOUR;
    private static final Labels[] SERIES = {Labels.of("__name__", "c", "i", "0"), Labels.of("__name__", "c", "i", "1"),
        Labels.of("__name__", "c", "i", "2")};

    @TempDir
    Path tmp;

    private Path pristine;
    private String ulid;
    private Map<Labels, List<Sample>> all;
    private int copies;
    private int setAside;
    private int intact;
    private int queryErrors;

    @BeforeEach
    void writePristine() {
        pristine = tmp.resolve("pristine");
        try (Tsdb db = Tsdb.open(pristine, TsdbTest.manual())) {
            TsdbTest.fill(db, 0, END, STEP, SERIES);
            db.compact(); // [0, 2h) becomes a block; the head keeps [2h, 4h)
            assertThat(db.blocks()).hasSize(1);
            BlockMeta m = db.blocks().get(0);
            ulid = m.ulid();
            all = read(db, 0, END);
        }
        assertThat(all).hasSize(3);
        all.values().forEach(l -> assertThat(l).hasSize((int) (END / STEP)));
    }

    @Test
    void flippedBytesInEveryBlockFileNeverGiveWrongData() throws Exception {
        Random r = new Random(7);
        for (String file : new String[] {"meta.json", "index", "chunks/000001", "tombstones"}) {
            long size = Files.size(pristine.resolve(ulid).resolve(file));
            List<Long> positions = new ArrayList<>(List.of(0L, 4L, size / 2, size - 1, size - 5));
            for (int i = 0; i < 25; i++) {
                positions.add((long) r.nextInt((int) size));
            }
            for (long pos : positions) {
                Path d = copy();
                flip(d.resolve(ulid).resolve(file), pos, 1 + r.nextInt(255));
                check(d, file + " byte " + pos);
            }
        }
        // Every damaged header or checksummed section was caught; damaged chunk data fails queries.
        assertThat(setAside).as("blocks set aside").isGreaterThan(40);
        assertThat(queryErrors).as("queries failed on a bad chunk").isGreaterThan(5);
    }

    @Test
    void truncatedOrMissingBlockFilesSetTheBlockAside() throws Exception {
        for (String file : new String[] {"meta.json", "index", "chunks/000001", "tombstones"}) {
            long size = Files.size(pristine.resolve(ulid).resolve(file));
            for (long len : new long[] {0, 3, size / 2, size - 1}) {
                Path d = copy();
                try (RandomAccessFile f = new RandomAccessFile(d.resolve(ulid).resolve(file).toFile(), "rw")) {
                    f.setLength(len);
                }
                int before = setAside;
                check(d, file + " truncated to " + len);
                assertThat(setAside).as(file + " truncated to " + len + " is set aside").isEqualTo(before + 1);
            }
            Path d = copy();
            Files.delete(d.resolve(ulid).resolve(file));
            int before = intact;
            check(d, file + " deleted");
            if (file.equals("tombstones")) {
                // No tombstones file means no deletions (blocks of old Prometheus versions have none).
                assertThat(intact).as("block without tombstones file").isEqualTo(before + 1);
            } else {
                assertThat(setAside).as(file + " deleted").isPositive();
                assertThat(Files.isDirectory(d.resolve(ulid + Tsdb.CORRUPTED))).isTrue();
            }
        }
    }

    @Test
    void damagedWalIsTruncatedAtTheBadRecordAndTheRestServed() throws Exception {
        Random r = new Random(11);
        List<Integer> segs = Wal.segments(pristine.resolve("wal"));
        assertThat(segs).isNotEmpty();
        for (int k = 0; k < 20; k++) {
            Path d = copy();
            int seg = segs.get(r.nextInt(segs.size()));
            Path file = d.resolve("wal").resolve(Wal.segmentName(seg));
            long size = Files.size(file);
            if (size == 0) {
                continue;
            }
            boolean truncate = k % 2 == 0;
            long pos = r.nextInt((int) size);
            if (truncate) {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(pos);
                }
            } else {
                flip(file, pos, 1 + r.nextInt(255));
            }
            try (Tsdb db = Tsdb.open(d, TsdbTest.manual())) {
                assertThat(db.blocks()).hasSize(1);
                Map<Labels, List<Sample>> got = read(db, 0, END);
                assertThat(got).as("segment %d %s at %d", seg, truncate ? "truncated" : "flipped", pos).isNotNull();
                for (Labels l : SERIES) {
                    List<Sample> want = all.get(l);
                    List<Sample> have = got.getOrDefault(l, List.of());
                    // The block's two hours are untouched; the head keeps a prefix of the rest.
                    assertThat(have.size()).isGreaterThanOrEqualTo((int) (2 * HOUR / STEP));
                    assertThat(have).as("series %s is a prefix of what was written", l)
                            .isEqualTo(want.subList(0, have.size()));
                }
            }
            // The repaired WAL opens cleanly the next time.
            try (Tsdb db = Tsdb.open(d, TsdbTest.manual())) {
                assertThat(db.walCorruptionsTotal()).isZero();
            }
        }
    }

    @Test
    void aBlockWithADamagedChunkIsLeftOutOfCompactionAfterOneFailure() throws Exception {
        Path d = tmp.resolve("compaction");
        String damaged;
        try (Tsdb db = Tsdb.open(d, TsdbTest.manual())) {
            TsdbTest.fill(db, 0, 7 * HOUR, STEP, SERIES);
            db.compact(); // blocks [0, 2h) and [2h, 4h); the head keeps [4h, 7h)
            assertThat(db.blocks()).hasSize(2);
            damaged = db.blocks().get(0).ulid();
        }
        Path seg = d.resolve(damaged).resolve("chunks").resolve("000001");
        long p = 8;
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "r")) {
            f.seek(p);
            while ((f.read() & 0x80) != 0) {
                p++;
            }
        }
        flip(seg, p + 1 + 1 + 3, 0x10); // inside the first chunk's XOR data
        try (Tsdb db = Tsdb.open(d, TsdbTest.manual())) {
            assertThat(db.blocksCorruptedTotal()).as("chunk data is not read on open").isZero();
            TsdbTest.fill(db, 7 * HOUR, 10 * HOUR, STEP, SERIES);
            // Writes [4h, 6h) and [6h, 8h); merging [0, 6h) (never the newest block) meets the damage.
            db.compact();
            assertThat(db.compactionsFailedTotal()).isEqualTo(1);
            assertThat(db.blocks()).hasSize(4);
            db.compact();
            assertThat(db.compactionsFailedTotal()).as("not retried every round").isEqualTo(1);
            assertThat(read(db, 0, 2 * HOUR)).as("the damaged range fails its query").isNull();
            Map<Labels, List<Sample>> rest = read(db, 2 * HOUR, 10 * HOUR - 1);
            for (Labels l : SERIES) {
                assertThat(rest.get(l)).hasSize((int) (8 * HOUR / STEP));
            }
        }
        try (Stream<Path> s = Files.list(d)) {
            assertThat(s.map(x -> x.getFileName().toString()).filter(n -> n.contains(".tmp")).toList()).isEmpty();
        }
    }

    /** Opens a damaged copy and classifies the outcome; fails on anything but the three safe outcomes. */
    private void check(Path d, String what) {
        try (Tsdb db = Tsdb.open(d, TsdbTest.manual())) {
            if (db.blocksCorruptedTotal() > 0) {
                setAside++;
                assertThat(db.blocksCorruptedTotal()).as(what).isEqualTo(1);
                assertThat(db.blocks()).as(what).isEmpty();
                assertThat(Files.isDirectory(d.resolve(ulid + Tsdb.CORRUPTED))).as(what).isTrue();
                assertThat(Files.exists(d.resolve(ulid))).as(what).isFalse();
                // The head's data is still served.
                Map<Labels, List<Sample>> head = read(db, 2 * HOUR, END);
                assertThat(head).as(what).isEqualTo(slice(2 * HOUR, END));
                return;
            }
            assertThat(db.blocks()).as(what).hasSize(1);
            Map<Labels, List<Sample>> got = read(db, 0, END);
            if (got == null) {
                queryErrors++;
                return;
            }
            intact++;
            assertThat(got).as(what + ": a block that opens serves the original samples").isEqualTo(all);
        }
    }

    private Map<Labels, List<Sample>> slice(long from, long to) {
        Map<Labels, List<Sample>> out = new LinkedHashMap<>();
        all.forEach((l, s) -> out.put(l, s.stream().filter(x -> x.t() >= from && x.t() <= to).toList()));
        return out;
    }

    /** Every sample in [from, to], or null when a series' iterator or the set reported an error. */
    private static Map<Labels, List<Sample>> read(Tsdb db, long from, long to) {
        Map<Labels, List<Sample>> out = new LinkedHashMap<>();
        try (Querier q = db.querier(from, to)) {
            SeriesSet set = q.select(true, null, Matcher.equal("__name__", "c"));
            while (set.next()) {
                Series s = set.at();
                SampleIterator it = s.iterator(null);
                List<Sample> l = new ArrayList<>();
                while (it.next()) {
                    l.add(new Sample(it.atT(), Double.doubleToRawLongBits(it.atV())));
                }
                if (it.error() != null) {
                    return null;
                }
                out.put(s.labels(), l);
            }
            if (set.error() != null) {
                return null;
            }
        } catch (IllegalStateException e) {
            return null; // a damaged index entry met at query time
        }
        return out;
    }

    private Path copy() throws IOException {
        Path d = tmp.resolve("copy" + copies++);
        try (Stream<Path> s = Files.walk(pristine)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = d.resolve(pristine.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals("lock")) {
                    Files.copy(p, t);
                }
            }
        }
        return d;
    }

    private static void flip(Path file, long pos, int mask) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ mask);
        }
    }
}
