package dev.sextant.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.chunk.Hex;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.encoding.Crc;
import dev.sextant.tsdb.encoding.Decbuf;
import dev.sextant.tsdb.mem.MemoryLeakCheck;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.testutil.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(MemoryLeakCheck.class)
class HeadChunkFilesTest {
    @TempDir
    Path dir;

    static byte[] chunk(int n, long t0) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < n; i++) {
            a.append(t0 + i * 1000L, i);
        }
        return c.bytes();
    }

    @Test
    void entriesFollowPrometheusLayoutAndReadBack() throws IOException {
        byte[] c1 = chunk(3, 1000);
        byte[] c2 = chunk(200, 5000);
        long h1;
        long h2;
        try (HeadChunkFiles f = new HeadChunkFiles(dir)) {
            h1 = f.add(7, 1000, 3000, c1, 0, c1.length);
            h2 = f.add(9, 5000, 204_000, c2, 0, c2.length);
            assertThat(h1).isEqualTo((1L << 32) | 8);
            assertThat(h2 >>> 32).isEqualTo(1);
            byte[] back = new byte[f.length(h2)];
            assertThat(f.read(h2, back)).isEqualTo(c2.length);
            assertThat(back).isEqualTo(c2);
            f.free(h1);
            f.free(h2);
        }
        byte[] file = Files.readAllBytes(dir.resolve("000001"));
        assertThat(Hex.format(file, 0, 8)).isEqualTo("0130bc9101000000");
        // Parse independently from the spec: be8 ref, be8 mint, be8 maxt, encoding, uvarint len, data, CRC32C.
        Decbuf d = new Decbuf(file, 8, file.length - 8);
        assertThat(d.getBE64()).isEqualTo(7);
        assertThat(d.getBE64()).isEqualTo(1000);
        assertThat(d.getBE64()).isEqualTo(3000);
        assertThat(d.getByte()).isEqualTo(1);
        assertThat(d.getUvarint()).isEqualTo(c1.length);
        int dataEnd = d.position() + c1.length;
        assertThat(Hex.format(file, d.position(), c1.length)).isEqualTo(Hex.format(c1, 0, c1.length));
        assertThat(Crc.readBE32(file, dataEnd)).isEqualTo(Crc.crc32c(file, 8, dataEnd - 8));
        assertThat(file.length).isEqualTo(8 + 2 * (25 + 4) + 1 + 2 + c1.length + c2.length);
    }

    @Test
    void filesAreCutOnTruncationAndDeletedOldestFirst() {
        try (HeadChunkFiles f = new HeadChunkFiles(dir)) {
            byte[] c = chunk(10, 0);
            long a = f.add(1, 0, 9000, c, 0, c.length);
            f.truncated();
            long b = f.add(2, 0, 9000, c, 0, c.length);
            f.truncated();
            long x = f.add(3, 0, 9000, c, 0, c.length);
            assertThat(x >>> 32).isEqualTo(3);
            f.free(b); // file 2 is empty but file 1 is not: numbers must stay consecutive
            assertThat(Files.exists(dir.resolve("000002"))).isTrue();
            f.free(a);
            assertThat(Files.exists(dir.resolve("000001"))).isFalse();
            assertThat(Files.exists(dir.resolve("000002"))).isFalse();
            assertThatThrownBy(() -> f.read(a, new byte[100])).isInstanceOf(IllegalStateException.class);
            f.free(x);
            assertThat(Files.exists(dir.resolve("000003"))).isTrue(); // the file being written stays
        }
    }

    @Test
    void headWithChunkFilesSurvivesRestart() {
        Path wal = dir.resolve("wal");
        Path ch = dir.resolve("chunks_head");
        Labels l = Labels.of("__name__", "m");
        HeadOptions o = HeadOptions.defaults();
        List<Samples.Sample> want = new ArrayList<>();
        try (Head head = Head.open(wal, ch, o, Long.MIN_VALUE)) {
            Appender app = head.appender();
            for (int i = 0; i < 1000; i++) {
                app.append(0, l, i * 15_000L, i);
                want.add(Samples.Sample.of(i * 15_000L, i));
            }
            app.commit();
            assertThat(head.offHeapBytes()).isGreaterThan(8);
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m")).get(l)).isEqualTo(want);
            head.truncate(2 * 3600_000L);
            want.removeIf(s -> s.t() < 2 * 3600_000L);
        }
        assertThat(ch.resolve("000001")).exists();
        try (Head head = Head.open(wal, ch, o, 2 * 3600_000L)) {
            assertThat(Samples.query(head, 0, Long.MAX_VALUE, Matcher.equal("__name__", "m")).get(l)).isEqualTo(want);
        }
    }
}
