package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.chunk.Hex;
import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Encbuf;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.StaleNaN;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    @Test
    void crc32cCheckValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc.crc32c(b, 0, b.length)).isEqualTo(0xE3069283);
    }

    @Test
    void goldenSegment() throws IOException {
        byte[] expected = Hex.resource("/fixtures/wal-segment-head.hex");
        Encbuf enc = new Encbuf();
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            Records.encodeSeries(enc, List.of(new Records.RefSeries(1, Labels.of("__name__", "up", "job", "node"))));
            wal.log(enc.toByteArray());
            enc.reset();
            Records.encodeSamples(enc, new long[] {1, 2}, new long[] {1_700_000_000_000L, 1_700_000_000_005L},
                    new double[] {1.0, 0.5}, 0, 2);
            wal.log(enc.toByteArray());
        }
        byte[] seg = Files.readAllBytes(dir.resolve("00000000"));
        assertThat(seg).hasSize(Wal.PAGE_SIZE);
        assertThat(Hex.format(seg, 0, expected.length)).isEqualTo(Hex.format(expected, 0, expected.length));
        for (int i = expected.length; i < seg.length; i++) {
            assertThat(seg[i]).isZero();
        }
        // And decoding the fixture gives the samples back.
        try (WalReader r = new WalReader(dir, List.of(0))) {
            assertThat(r.next()).isTrue();
            List<Records.RefSeries> series = new ArrayList<>();
            assertThat(Records.decodeSeries(r.record(), r.recordLength(), series)).isNull();
            assertThat(series).containsExactly(new Records.RefSeries(1, Labels.of("__name__", "up", "job", "node")));
            assertThat(r.next()).isTrue();
            Records.SampleBatch b = new Records.SampleBatch();
            assertThat(Records.decodeSamples(r.record(), r.recordLength(), b)).isNull();
            assertThat(b.size).isEqualTo(2);
            assertThat(b.refs[1]).isEqualTo(2);
            assertThat(b.ts[1]).isEqualTo(1_700_000_000_005L);
            assertThat(b.vs[1]).isEqualTo(0.5);
            assertThat(r.next()).isFalse();
            assertThat(r.corruption()).isNull();
        }
    }

    @Test
    void recordsSpanPagesAndSegmentsAndReadBackInOrder() throws IOException {
        Random rnd = new Random(7);
        List<byte[]> written = new ArrayList<>();
        try (Wal wal = new Wal(dir, 4 * Wal.PAGE_SIZE)) {
            for (int i = 0; i < 200; i++) {
                int len = switch (i % 5) {
                    case 0 -> 0;
                    case 1 -> Wal.PAGE_SIZE - Wal.HEADER_SIZE; // exactly one page
                    case 2 -> 70_000; // spans pages, larger than... fits a segment of 4 pages
                    default -> rnd.nextInt(3000);
                };
                byte[] rec = new byte[len];
                rnd.nextBytes(rec);
                written.add(rec);
                wal.log(rec);
                if (i % 17 == 0) {
                    wal.flush();
                }
            }
        }
        List<Integer> segs = Wal.segments(dir);
        assertThat(segs.size()).isGreaterThan(10);
        for (int s : segs) {
            assertThat(Files.size(dir.resolve(Wal.segmentName(s))) % Wal.PAGE_SIZE).isZero();
        }
        try (WalReader r = new WalReader(dir, segs)) {
            for (byte[] rec : written) {
                assertThat(r.next()).isTrue();
                assertThat(Arrays.copyOf(r.record(), r.recordLength())).isEqualTo(rec);
            }
            assertThat(r.next()).isFalse();
            assertThat(r.corruption()).isNull();
        }
    }

    @Test
    void tornTailIsReportedAtRecordStartAndRepairKeepsEarlierRecords() throws IOException {
        long[] offsets = new long[3];
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            for (int i = 0; i < 3; i++) {
                wal.log(new byte[] {(byte) i, 1, 2, 3});
            }
            wal.log(new byte[50_000]);
            wal.flush();
            // Simulate a crash: cut the file in the middle of the big record's second fragment.
            try (FileChannel ch = FileChannel.open(dir.resolve("00000000"), StandardOpenOption.WRITE)) {
                ch.truncate(Wal.PAGE_SIZE + 100);
            }
        }
        // close() padded the last page after our truncate; truncate again to model the crash.
        try (FileChannel ch = FileChannel.open(dir.resolve("00000000"), StandardOpenOption.WRITE)) {
            ch.truncate(Wal.PAGE_SIZE + 100);
        }
        Files.deleteIfExists(dir.resolve("00000001"));
        int n = 0;
        WalCorruptionException c;
        try (WalReader r = new WalReader(dir, Wal.segments(dir))) {
            while (r.next()) {
                offsets[n] = r.recordOffset();
                n++;
            }
            c = r.corruption();
        }
        assertThat(n).isEqualTo(3);
        assertThat(c).isNotNull();
        assertThat(c.segment()).isZero();
        assertThat(c.offset()).isEqualTo(3 * (Wal.HEADER_SIZE + 4));
        Wal.repair(dir, c.segment(), c.offset());
        try (WalReader r = new WalReader(dir, Wal.segments(dir))) {
            int m = 0;
            while (r.next()) {
                m++;
            }
            assertThat(m).isEqualTo(3);
            assertThat(r.corruption()).isNull();
        }
        assertThat(Files.size(dir.resolve("00000000"))).isEqualTo(Wal.PAGE_SIZE);
    }

    @Test
    void checksumMismatchIsCorruption() throws IOException {
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            wal.log(new byte[] {1, 2, 3});
            wal.log(new byte[] {4, 5, 6});
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("00000000"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9}), 10 + 7 + 1); // payload of the second record
        }
        try (WalReader r = new WalReader(dir, List.of(0))) {
            assertThat(r.next()).isTrue();
            assertThat(r.next()).isFalse();
            assertThat(r.corruption().offset()).isEqualTo(10);
            assertThat(r.corruption().getMessage()).contains("checksum");
        }
    }

    @Test
    void everyFinishedSegmentIsFsyncedOnceAndSyncAndCloseWaitForTheBackgroundFsyncs() throws IOException {
        // Full segments are fsynced by a background thread; sync() and close() must not return
        // before those fsyncs are done, and none may be lost or repeated.
        byte[] rec = new byte[20_000];
        new Random(7).nextBytes(rec);
        Wal w = new Wal(dir, 4 * Wal.PAGE_SIZE);
        for (int i = 0; i < 40; i++) {
            w.log(rec);
            w.flush();
        }
        int finished = w.currentSegment(); // segments 0 .. current-1 are finished
        assertThat(finished).isGreaterThanOrEqualTo(5);
        w.sync();
        assertThat(w.fsyncCount()).isEqualTo(finished + 1L);
        int before = w.nextSegment();
        w.close();
        // nextSegment finished one more in the background; close fsyncs the current one and waits.
        assertThat(before).isEqualTo(finished + 1);
        assertThat(w.fsyncCount()).isEqualTo(finished + 1L + 2L);
        try (WalReader r = new WalReader(dir, Wal.segments(dir))) {
            int n = 0;
            while (r.next()) {
                assertThat(Arrays.copyOfRange(r.record(), 0, r.recordLength())).isEqualTo(rec);
                n++;
            }
            assertThat(n).isEqualTo(40);
            assertThat(r.corruption()).isNull();
        }
    }

    @Test
    void newWalStartsAfterLastSegment() throws IOException {
        new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE).close();
        try (Wal w = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            assertThat(w.currentSegment()).isEqualTo(1);
        }
        assertThat(Wal.segments(dir)).containsExactly(0, 1);
    }

    @Test
    void samplesRecordKeepsNaNBitsAndNegativeDeltas() {
        Encbuf enc = new Encbuf();
        long[] refs = {5, 3, 9};
        long[] ts = {100, -50, 100_000_000_000L};
        double[] vs = {StaleNaN.VALUE, Double.longBitsToDouble(0x7FF8000000000001L), -0.0};
        Records.encodeSamples(enc, refs, ts, vs, 0, 3);
        Records.SampleBatch b = new Records.SampleBatch();
        assertThat(Records.decodeSamples(enc.array(), enc.len(), b)).isNull();
        assertThat(b.size).isEqualTo(3);
        assertThat(Arrays.copyOf(b.refs, 3)).containsExactly(refs);
        assertThat(Arrays.copyOf(b.ts, 3)).containsExactly(ts);
        for (int i = 0; i < 3; i++) {
            assertThat(Double.doubleToRawLongBits(b.vs[i])).isEqualTo(Double.doubleToRawLongBits(vs[i]));
        }
        assertThat(Records.decodeSamples(enc.array(), enc.len() - 1, new Records.SampleBatch())).isNotNull();
    }

    @Test
    void samplesV2RecordDecodesAndDropsStartTimestamps() {
        // Hand-built per spec 7.5 type 11: first (ref 5, t 1000, st 900, 1.5), then
        // (ref +0, t +15, marker 1, 2.5) and (ref -2, t +30, marker 2 with st delta 10, 3.5).
        Encbuf e = new Encbuf();
        e.putByte(11).putVarint(5).putVarint(1000).putVarint(900).putF64(1.5);
        e.putVarint(0).putVarint(15).putByte(1).putF64(2.5);
        e.putVarint(-2).putVarint(30).putByte(2).putVarint(10).putF64(3.5);
        Records.SampleBatch b = new Records.SampleBatch();
        assertThat(Records.decodeSamplesV2(e.array(), e.len(), b)).isNull();
        assertThat(b.size).isEqualTo(3);
        assertThat(Arrays.copyOf(b.refs, 3)).containsExactly(5, 5, 3);
        assertThat(Arrays.copyOf(b.ts, 3)).containsExactly(1000, 1015, 1030);
        assertThat(Arrays.copyOf(b.vs, 3)).containsExactly(1.5, 2.5, 3.5);
        e.putVarint(0).putVarint(1).putByte(7).putF64(0);
        assertThat(Records.decodeSamplesV2(e.array(), e.len(), new Records.SampleBatch())).contains("marker");
    }

    @Test
    void tombstonesRoundTrip() {
        Records.TombstoneBatch t = new Records.TombstoneBatch();
        t.add(1, -10, 20);
        t.add(7, 100, Long.MAX_VALUE);
        Encbuf enc = new Encbuf();
        Records.encodeTombstones(enc, t);
        Records.TombstoneBatch out = new Records.TombstoneBatch();
        assertThat(Records.decodeTombstones(enc.array(), enc.len(), out)).isNull();
        assertThat(out.size).isEqualTo(2);
        assertThat(out.maxts[1]).isEqualTo(Long.MAX_VALUE);
        assertThat(out.mints[0]).isEqualTo(-10);
    }

    @Test
    void snappyLiteralAndOverlappingCopy() {
        // uvarint 10; literal "ab" (tag (2-1)<<2); copy-1 len 8 offset 2 (tag ((8-4)<<2)|1, offset byte 2).
        byte[] src = {10, 0x04, 'a', 'b', (byte) ((4 << 2) | 1), 2};
        byte[] dst = new byte[10];
        assertThat(Snappy.uncompress(src, 0, src.length, dst)).isEqualTo(10);
        assertThat(new String(dst, StandardCharsets.US_ASCII)).isEqualTo("ababababab");
    }

    @Test
    void checkpointKeepsLiveSeriesAndRecentSamples() throws IOException {
        Encbuf enc = new Encbuf();
        try (Wal wal = new Wal(dir, Wal.DEFAULT_SEGMENT_SIZE)) {
            Records.encodeSeries(enc, List.of(new Records.RefSeries(1, Labels.of("__name__", "a")),
                    new Records.RefSeries(2, Labels.of("__name__", "b"))));
            wal.log(enc.toByteArray());
            enc.reset();
            Records.encodeSamples(enc, new long[] {1, 2, 1}, new long[] {10, 10, 200}, new double[] {1, 2, 3}, 0, 3);
            wal.log(enc.toByteArray());
            wal.nextSegment();
        }
        Checkpoint.Ref cp = Checkpoint.create(dir, 0, 1, ref -> ref == 1, 100);
        assertThat(cp.dir().getFileName().toString()).isEqualTo("checkpoint.00000001");
        assertThat(Checkpoint.last(dir)).isEqualTo(cp);
        try (WalReader r = new WalReader(cp.dir(), Wal.segments(cp.dir()))) {
            assertThat(r.next()).isTrue();
            List<Records.RefSeries> s = new ArrayList<>();
            Records.decodeSeries(r.record(), r.recordLength(), s);
            assertThat(s).extracting(Records.RefSeries::ref).containsExactly(1L);
            assertThat(r.next()).isTrue();
            Records.SampleBatch b = new Records.SampleBatch();
            Records.decodeSamples(r.record(), r.recordLength(), b);
            assertThat(b.size).isEqualTo(1);
            assertThat(b.ts[0]).isEqualTo(200);
            assertThat(r.next()).isFalse();
        }
    }
}
