package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.encoding.Crc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTailerTest {
    @TempDir
    Path dir;

    private static byte[] record(Random rnd, int i) {
        // Sizes from a few bytes to more than two pages, so records span fragments and pages.
        int len = i % 7 == 0 ? 40_000 + rnd.nextInt(40_000) : 1 + rnd.nextInt(3000);
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        b[0] = (byte) (i & 0x7F);
        return b;
    }

    @Test
    void followsAWalWhileItIsWrittenAcrossSegments() throws Exception {
        Random rnd = new Random(42);
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            written.add(record(rnd, i));
        }
        List<byte[]> read = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Wal wal = new Wal(dir, 4 * Wal.PAGE_SIZE)) {
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < written.size(); i++) {
                        wal.log(written.get(i));
                        if (i % 3 == 0) {
                            wal.flush();
                        }
                        if (i % 50 == 0) {
                            Thread.sleep(2);
                        }
                    }
                    wal.flush();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            writer.start();
            try (WalTailer t = new WalTailer(dir, 0)) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (read.size() < written.size() && System.nanoTime() < deadline) {
                    int r = t.next();
                    assertThat(r).as("tailer result").isIn(WalTailer.RECORD, WalTailer.WAIT);
                    if (r == WalTailer.RECORD) {
                        read.add(Arrays.copyOf(t.record(), t.recordLength()));
                    } else {
                        Thread.sleep(1);
                    }
                }
            }
            writer.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(Wal.segments(dir).size()).as("the small segment size forces several segments").isGreaterThan(3);
        assertThat(read).hasSameSizeAs(written);
        for (int i = 0; i < written.size(); i++) {
            assertThat(read.get(i)).as("record %d", i).isEqualTo(written.get(i));
        }
    }

    @Test
    void resumesAtAReportedPosition() throws Exception {
        Random rnd = new Random(7);
        List<byte[]> written = new ArrayList<>();
        try (Wal wal = new Wal(dir, 4 * Wal.PAGE_SIZE)) {
            for (int i = 0; i < 60; i++) {
                written.add(record(rnd, i));
                wal.log(written.get(i));
            }
            wal.flush();
            int seg;
            long off;
            try (WalTailer t = new WalTailer(dir, 0)) {
                for (int i = 0; i < 25; i++) {
                    assertThat(t.next()).isEqualTo(WalTailer.RECORD);
                }
                seg = t.segment();
                off = t.offset();
            }
            try (WalTailer t = new WalTailer(dir, 0)) {
                t.seek(seg, off);
                for (int i = 25; i < 60; i++) {
                    assertThat(t.next()).isEqualTo(WalTailer.RECORD);
                    assertThat(Arrays.copyOf(t.record(), t.recordLength())).as("record %d", i).isEqualTo(written.get(i));
                }
                assertThat(t.next()).isEqualTo(WalTailer.WAIT);
            }
        }
    }

    @Test
    void aHalfWrittenFragmentIsWaitedForNotReportedCorrupt() throws Exception {
        Path seg = dir.resolve(Wal.segmentName(0));
        byte[] payload = "hello remote write".getBytes();
        byte[] frag = fragment(Wal.FULL, 0, payload);
        // Only the header and part of the payload are on disk yet.
        Files.write(seg, Arrays.copyOf(frag, 10));
        try (WalTailer t = new WalTailer(dir, 0)) {
            assertThat(t.next()).isEqualTo(WalTailer.WAIT);
            Files.write(seg, frag);
            assertThat(t.next()).isEqualTo(WalTailer.RECORD);
            assertThat(new String(t.record(), 0, t.recordLength())).isEqualTo("hello remote write");
            assertThat(t.offset()).isEqualTo(frag.length);
        }
    }

    @Test
    void readsSnappyCompressedRecordsFlaggedInTheHeader() throws Exception {
        byte[] plain = "snappy-compressed record, flagged like Prometheus does".getBytes();
        // Snappy block: uvarint length, then one literal (tag (len-1)<<2 for len <= 60).
        byte[] snappy = new byte[2 + plain.length];
        snappy[0] = (byte) plain.length;
        snappy[1] = (byte) ((plain.length - 1) << 2);
        System.arraycopy(plain, 0, snappy, 2, plain.length);
        byte[] compressed = fragment(Wal.FULL, 0x08, snappy);
        byte[] uncompressed = fragment(Wal.FULL, 0, "plain".getBytes());
        byte[] seg = new byte[compressed.length + uncompressed.length];
        System.arraycopy(compressed, 0, seg, 0, compressed.length);
        System.arraycopy(uncompressed, 0, seg, compressed.length, uncompressed.length);
        Files.write(dir.resolve(Wal.segmentName(0)), seg);
        try (WalTailer t = new WalTailer(dir, 0)) {
            assertThat(t.next()).isEqualTo(WalTailer.RECORD);
            assertThat(Arrays.copyOf(t.record(), t.recordLength())).isEqualTo(plain);
            assertThat(t.next()).isEqualTo(WalTailer.RECORD);
            assertThat(new String(t.record(), 0, t.recordLength())).isEqualTo("plain");
            assertThat(t.next()).isEqualTo(WalTailer.WAIT);
        }
    }

    @Test
    void reportsADeletedSegmentOnlyWhenANewerOneExists() throws Exception {
        try (WalTailer t = new WalTailer(dir, 3)) {
            assertThat(t.next()).as("segment 3 not created yet").isEqualTo(WalTailer.WAIT);
            Files.write(dir.resolve(Wal.segmentName(5)), new byte[0]);
            assertThat(t.next()).as("segment 3 will never come: truncated away").isEqualTo(WalTailer.SEGMENT_GONE);
            t.seek(5, 0);
            assertThat(t.next()).isEqualTo(WalTailer.WAIT);
            assertThat(t.segment()).isEqualTo(5);
        }
    }

    @Test
    void corruptionInAFinishedSegmentIsSkipped() throws Exception {
        byte[] good = fragment(Wal.FULL, 0, "good".getBytes());
        byte[] bad = fragment(Wal.FULL, 0, "bad!".getBytes());
        bad[bad.length - 1] ^= 1; // breaks the CRC
        byte[] seg0 = new byte[Wal.PAGE_SIZE];
        System.arraycopy(good, 0, seg0, 0, good.length);
        System.arraycopy(bad, 0, seg0, good.length, bad.length);
        Files.write(dir.resolve(Wal.segmentName(0)), seg0);
        Files.write(dir.resolve(Wal.segmentName(1)), fragment(Wal.FULL, 0, "next".getBytes()));
        try (WalTailer t = new WalTailer(dir, 0)) {
            assertThat(t.next()).isEqualTo(WalTailer.RECORD);
            assertThat(t.next()).isEqualTo(WalTailer.CORRUPT);
            assertThat(t.corruption().getMessage()).contains("checksum");
            assertThat(t.next()).isEqualTo(WalTailer.RECORD);
            assertThat(new String(t.record(), 0, t.recordLength())).isEqualTo("next");
        }
    }

    private static byte[] fragment(int type, int flags, byte[] payload) {
        byte[] f = new byte[Wal.HEADER_SIZE + payload.length];
        f[0] = (byte) (type | flags);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        Crc.writeBE32(f, 3, Crc.crc32c(payload, 0, payload.length));
        System.arraycopy(payload, 0, f, Wal.HEADER_SIZE, payload.length);
        return f;
    }
}
