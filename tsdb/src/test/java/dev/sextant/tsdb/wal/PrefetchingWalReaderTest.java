package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefetchingWalReaderTest {
    @TempDir
    Path dir;

    private record Rec(byte[] bytes, int segment, long offset) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Rec r && Arrays.equals(bytes, r.bytes) && segment == r.segment && offset == r.offset;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static List<Rec> readAll(WalRecords r) throws IOException {
        List<Rec> out = new ArrayList<>();
        while (r.next()) {
            out.add(new Rec(Arrays.copyOf(r.record(), r.recordLength()), r.recordSegment(), r.recordOffset()));
        }
        return out;
    }

    private void write(boolean compress) {
        Random rnd = new Random(5);
        try (Wal wal = new Wal(dir, 4 * Wal.PAGE_SIZE, compress)) {
            for (int i = 0; i < 3000; i++) {
                // Mostly small records, some larger than a page and than the batch's initial arrays.
                byte[] b = new byte[i % 97 == 0 ? 40_000 + rnd.nextInt(20_000) : 1 + rnd.nextInt(300)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt() : k % 7);
                }
                wal.log(b);
            }
        }
    }

    @Test
    void yieldsTheSameRecordsAndPositionsAsTheReaderItWraps() throws IOException {
        write(true);
        List<Integer> segs = Wal.segments(dir);
        assertThat(segs.size()).isGreaterThan(10);
        List<Rec> want;
        try (WalReader r = new WalReader(dir, segs)) {
            want = readAll(r);
            assertThat(r.corruption()).isNull();
        }
        assertThat(want).hasSize(3000);
        try (PrefetchingWalReader r = new PrefetchingWalReader(dir, segs)) {
            assertThat(readAll(r)).isEqualTo(want);
            assertThat(r.corruption()).isNull();
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void reportsTheSameCorruptionAfterTheSameRecords() throws IOException {
        write(false);
        List<Integer> segs = Wal.segments(dir);
        int bad = segs.get(segs.size() / 2);
        try (FileChannel ch = FileChannel.open(dir.resolve(Wal.segmentName(bad)), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), Wal.PAGE_SIZE + 200);
        }
        List<Rec> want;
        WalCorruptionException c;
        try (WalReader r = new WalReader(dir, segs)) {
            want = readAll(r);
            c = r.corruption();
        }
        assertThat(c).isNotNull();
        assertThat(want.size()).isBetween(100, 2900);
        try (PrefetchingWalReader r = new PrefetchingWalReader(dir, segs)) {
            assertThat(readAll(r)).isEqualTo(want);
            assertThat(r.corruption()).isNotNull();
            assertThat(r.corruption().segment()).isEqualTo(c.segment());
            assertThat(r.corruption().offset()).isEqualTo(c.offset());
        }
    }

    @Test
    void closingBeforeTheEndStopsTheReadingThread() throws IOException {
        write(true);
        PrefetchingWalReader r = new PrefetchingWalReader(dir, Wal.segments(dir));
        assertThat(r.next()).isTrue();
        r.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("wal-read") && t.isAlive());
    }
}
