package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.StorageException;
import dev.sextant.tsdb.testutil.Samples;
import dev.sextant.tsdb.testutil.Samples.Sample;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.Wal;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts that take full chunks from {@code chunks_head} instead of re-encoding them from the WAL:
 * every sample must come back bit for bit, whatever state the files are in.
 */
@ExtendWith(MemoryLeakCheck.class)
class HeadChunksReplayTest {
    private static final long H2 = 2 * 3600_000L;
    private static final Matcher ALL = Matcher.regex("__name__", ".+");

    @TempDir
    Path dir;

    private Path wal() {
        return dir.resolve("wal");
    }

    private Path chunks() {
        return dir.resolve("chunks_head");
    }

    private static HeadOptions opts() {
        return new HeadOptions(H2, 120, 16, 4 * Wal.PAGE_SIZE);
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "m", "i", Integer.toString(i), "job", "replay");
    }

    /** Values that only a bit-exact round trip keeps: random doubles, -0.0, stale-marker NaN, infinities. */
    private static double value(Random r, int k) {
        return switch (k % 53) {
            case 7 -> -0.0;
            case 11 -> Double.longBitsToDouble(0x7ff0000000000002L);
            case 13 -> Double.POSITIVE_INFINITY;
            case 17 -> Double.longBitsToDouble(0x7ff8000000000abcL);
            default -> r.nextInt(4) == 0 ? r.nextDouble() * 1e9 : Math.floor(r.nextDouble() * 100) / 4;
        };
    }

    /** Appends {@code samples} samples to each of {@code n} series from {@code t0}, 15 s (+ jitter) apart. */
    private static void fill(Head head, int n, int samples, long t0, long seed) {
        Random r = new Random(seed);
        long[] refs = new long[n];
        for (int k = 0; k < samples; k++) {
            Appender app = head.appender();
            for (int i = 0; i < n; i++) {
                refs[i] = app.append(refs[i], series(i), t0 + k * 15_000L + (i % 3), value(r, k + i));
            }
            app.commit();
        }
    }

    private static long fullChunks(Head head) {
        long n = 0;
        for (MemSeries s : head.series.all()) {
            n += s.fullCount;
        }
        return n;
    }

    /** WAL samples held by full chunks: those at or before each series' last full chunk's end. */
    private static long samplesInFullChunks(Map<Labels, List<Sample>> data, Head head) {
        long n = 0;
        for (MemSeries s : head.series.all()) {
            if (s.fullCount == 0) {
                continue;
            }
            long end = s.maxt(s.fullCount - 1);
            for (Sample x : data.get(s.labels)) {
                if (x.t() <= end) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void restartTakesFullChunksFromTheFilesAndReturnsEverySampleBitForBit() {
        Map<Labels, List<Sample>> want;
        long full;
        long inFull;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 20, 2000, 0, 1);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            full = fullChunks(head);
            inFull = samplesInFullChunks(want, head);
        }
        assertThat(want).hasSize(20);
        assertThat(full).isGreaterThan(20 * 10);
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            // The full chunks are the files' (handles: file number << 32 | offset), not re-encoded.
            assertThat(head.mmappedChunksLoaded()).isEqualTo(full);
            assertThat(head.walSamplesSkipped()).isEqualTo(inFull);
            for (MemSeries s : head.series.all()) {
                assertThat(s.fullCount).isPositive();
                for (int i = 0; i < s.fullCount; i++) {
                    assertThat(s.handle(i) >>> 32).isEqualTo(1);
                }
            }
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
            assertThat(head.stats().chunks()).isEqualTo(full + 20);
            // Appending goes on where the data left off; the new full chunks go to a new file.
            fill(head, 20, 500, 2000 * 15_000L, 2);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            full = fullChunks(head);
        }
        assertThat(chunks().resolve("000002")).exists();
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.mmappedChunksLoaded()).isEqualTo(full);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
    }

    @Test
    void stateLeftByAKillRestartsWithEverySample() throws IOException {
        Path copy = Files.createTempDirectory(dir, "killed");
        Map<Labels, List<Sample>> want;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 10, 1000, 0, 3);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            // What a SIGKILL leaves: the WAL as flushed to the OS, chunk files as written through the
            // mapping (still 128 MiB long, zeros after the last chunk).
            copyTree(dir, copy, "wal");
            copyTree(dir, copy, "chunks_head");
        }
        assertThat(Files.size(copy.resolve("chunks_head/000001"))).isEqualTo(HeadChunkFiles.MAX_FILE_SIZE);
        try (Head head = Head.open(copy.resolve("wal"), copy.resolve("chunks_head"), opts(), Long.MIN_VALUE)) {
            assertThat(head.mmappedChunksLoaded()).isPositive();
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
        assertThat(Files.size(copy.resolve("chunks_head/000001"))).isLessThan(HeadChunkFiles.MAX_FILE_SIZE);
    }

    private static void copyTree(Path from, Path to, String sub) throws IOException {
        Path src = from.resolve(sub);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path d = to.resolve(sub).resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d);
                }
            }
        }
    }

    @Test
    void corruptTailOfTheLastFileIsCutAndTheWalSuppliesTheSamples() throws IOException {
        Map<Labels, List<Sample>> want;
        long full;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 10, 1000, 0, 4);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            full = fullChunks(head);
        }
        Path f = chunks().resolve("000001");
        long size = Files.size(f);
        flipByte(f, size - 10); // inside the last chunk's data: its CRC no longer matches
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.mmappedChunksLoaded()).isEqualTo(full - 1);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
        assertThat(Files.size(f)).isLessThan(size - 10);
        // A torn write: the file ends inside an entry.
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f) - 100);
        }
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.mmappedChunksLoaded()).isEqualTo(full - 2);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
    }

    @Test
    void corruptionInAnEarlierFileDropsTheLaterFilesAndTheWalSuppliesTheSamples() throws IOException {
        Map<Labels, List<Sample>> want;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 10, 600, 0, 5);
            head.slab.truncated(); // starts file 2
            fill(head, 10, 600, 600 * 15_000L, 6);
            head.slab.truncated();
            fill(head, 10, 600, 1200 * 15_000L, 7);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
        }
        assertThat(chunks().resolve("000003")).exists();
        long full;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            full = head.mmappedChunksLoaded();
        }
        flipByte(chunks().resolve("000001"), HeadChunkFiles.HEADER_SIZE + 3 * 300); // a few chunks in
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.mmappedChunksLoaded()).isLessThan(full / 3);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
        assertThat(chunks().resolve("000003")).doesNotExist();
        // A gap in the numbering ends the usable files too.
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            head.slab.truncated();
            fill(head, 10, 600, 1800 * 15_000L, 8);
            head.slab.truncated();
            fill(head, 10, 600, 2400 * 15_000L, 9);
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(chunks())) {
            files = s.sorted().toList();
        }
        assertThat(files.size()).isGreaterThanOrEqualTo(3);
        Files.delete(files.get(files.size() - 2));
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL)).isEqualTo(want);
        }
        assertThat(files.get(files.size() - 1)).doesNotExist();
    }

    @Test
    void chunksEndingBeforeTheCheckpointsTruncationAreNotLoaded() throws IOException {
        Map<Labels, List<Sample>> want;
        long full;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 5, 3 * 480, 0, 10); // 6 hours
            for (int k = 0; k < 6; k++) {
                head.wal.nextSegment(); // segments for the checkpoint to cover
                fill(head, 5, 1, (3 * 480 + k) * 15_000L, 11 + k);
            }
            head.truncate(H2);
            assertThat(Checkpoint.last(wal())).isNotNull();
            want = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            full = fullChunks(head);
        }
        // File 1 still holds the freed chunks before H2 (it holds live ones too).
        assertThat(chunks().resolve("000001")).exists();
        try (Head head = Head.open(wal(), chunks(), opts(), H2)) {
            assertThat(head.mmappedChunksLoaded()).isEqualTo(full);
            Map<Labels, List<Sample>> got = Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL);
            assertThat(got).isEqualTo(want);
            assertThat(got.values().iterator().next().get(0).t()).isGreaterThanOrEqualTo(H2);
            assertThat(head.minTime()).isGreaterThanOrEqualTo(H2);
        }
    }

    @Test
    void chunksOfCollectedSeriesAreDropped() {
        Labels gone = Labels.of("__name__", "gone", "job", "replay");
        Map<Labels, List<Sample>> want;
        long goneRef;
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 3, 200, 0, 20);
            Appender app = head.appender();
            goneRef = 0;
            for (int k = 0; k < 400; k++) {
                goneRef = app.append(goneRef, gone, k * 15_000L, k); // only data before H2: three full chunks
            }
            app.commit();
            assertThat(goneRef).isEqualTo(4); // the highest ref
            fill(head, 3, 3 * 480 - 200, 200 * 15_000L, 21);
            for (int k = 0; k < 6; k++) {
                head.wal.nextSegment();
                fill(head, 3, 1, (3 * 480 + k) * 15_000L, 22 + k);
            }
            head.truncate(H2);
            assertThat(head.numSeries()).isEqualTo(3);
            want = Samples.query(head, H2, Long.MAX_VALUE, ALL);
        }
        // Even without a minimum valid time to cut them, chunks whose series has no record are dropped
        // (the other series' freed chunks before H2 come back then, as in Prometheus).
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.numSeries()).isEqualTo(3);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "gone"))).isEmpty();
            Map<Labels, List<Sample>> got = Samples.query(head, H2, Long.MAX_VALUE, ALL);
            assertThat(got.keySet()).isEqualTo(want.keySet());
            for (Labels l : want.keySet()) {
                List<Sample> g = new ArrayList<>(got.get(l));
                g.removeIf(x -> x.t() < H2);
                List<Sample> w = new ArrayList<>(want.get(l));
                w.removeIf(x -> x.t() < H2);
                assertThat(g).isEqualTo(w);
            }
            // A new series never reuses the collected series' ref, whose chunks are still in file 1.
            Appender app = head.appender();
            long ref = app.append(0, Labels.of("__name__", "new", "job", "replay"), 10 * H2, 1);
            app.commit();
            assertThat(ref).isGreaterThan(goneRef);
        }
        try (Head head = Head.open(wal(), chunks(), opts(), H2)) {
            assertThat(head.numSeries()).isEqualTo(4);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "gone"))).isEmpty();
        }
    }

    @Test
    void seriesWhoseLastSampleIsInALoadedChunkStillDetectsDuplicates() throws IOException {
        Labels l = series(0);
        Random r = new Random(30);
        List<Sample> want = new ArrayList<>();
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            for (int k = 0; k < 500; k++) {
                if (k == 480) {
                    // Sample 480 (t = 2h) always starts a chunk: the one before ends at sample 479.
                    head.wal.nextSegment();
                }
                double v = value(r, k);
                Appender app = head.appender();
                app.append(0, l, k * 15_000L, v);
                app.commit();
                if (k < 480) {
                    want.add(Sample.of(k * 15_000L, v));
                }
            }
        }
        // Lose the segment holding the samples after the last full chunk (as a cut-off WAL would).
        List<Integer> segs = Wal.segments(wal());
        Files.delete(wal().resolve(String.format("%08d", segs.get(segs.size() - 1))));
        long lastT = 479 * 15_000L;
        double lastV = Double.longBitsToDouble(want.get(479).bits());
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            assertThat(head.walSamplesSkipped()).isEqualTo(480);
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL).get(l)).isEqualTo(want);
            assertThatThrownBy(() -> head.appender().append(0, l, lastT, lastV + 1))
                    .isInstanceOf(StorageException.DuplicateSample.class);
            assertThatThrownBy(() -> head.appender().append(0, l, lastT - 1, 0))
                    .isInstanceOf(StorageException.OutOfOrder.class);
            Appender app = head.appender();
            app.append(0, l, lastT, lastV); // the same sample again: accepted as a no-op
            app.append(0, l, lastT + 15_000L, 7);
            app.commit();
            want.add(Sample.of(lastT + 15_000L, 7));
            assertThat(Samples.query(head, Long.MIN_VALUE, Long.MAX_VALUE, ALL).get(l)).isEqualTo(want);
        }
    }

    @Test
    void nativeHistogramChunksAreRefusedAndTheFilesLeftAsTheyWere() throws IOException {
        try (Head head = Head.open(wal(), chunks(), opts(), Long.MIN_VALUE)) {
            fill(head, 2, 300, 0, 40);
        }
        Path f = chunks().resolve("000001");
        byte[] b = Files.readAllBytes(f);
        // Re-encode the first entry as a histogram chunk (encoding 2) with a valid CRC.
        int p = HeadChunkFiles.HEADER_SIZE;
        b[p + 24] = 2;
        int len = b[p + 25] & 0x7F;
        int hdr = 26;
        if ((b[p + 25] & 0x80) != 0) {
            len |= (b[p + 26] & 0x7F) << 7;
            hdr = 27;
        }
        dev.sextant.tsdb.encoding.Crc.writeBE32(b, p + hdr + len, dev.sextant.tsdb.encoding.Crc.crc32c(b, p, hdr + len));
        Files.write(f, b);
        assertThatThrownBy(() -> Head.open(wal(), chunks(), opts(), Long.MIN_VALUE))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("000001")
                .hasMessageContaining("native histograms");
        assertThat(Files.readAllBytes(f)).isEqualTo(b);
    }

    private static void flipByte(Path f, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(1);
            ch.read(bb, at);
            bb.put(0, (byte) (bb.get(0) ^ 0x5A));
            bb.rewind();
            ch.write(bb, at);
        }
    }
}
