package dev.sextant.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnappyTest {
    /** Literal of {@code lit}, then one 2-byte-offset copy of {@code len} bytes from {@code offset} back. */
    private static byte[] stream(byte[] lit, int offset, int len) {
        byte[] s = new byte[1 + 1 + lit.length + 3];
        int total = lit.length + len;
        s[0] = (byte) total; // < 128
        s[1] = (byte) ((lit.length - 1) << 2);
        System.arraycopy(lit, 0, s, 2, lit.length);
        int p = 2 + lit.length;
        s[p] = (byte) (((len - 1) << 2) | 2);
        s[p + 1] = (byte) offset;
        s[p + 2] = (byte) (offset >>> 8);
        return s;
    }

    @Test
    void overlappingCopiesRepeatTheirSourceForEveryOffset() {
        byte[] lit = new byte[20];
        for (int i = 0; i < lit.length; i++) {
            lit[i] = (byte) (i * 7 + 1);
        }
        for (int offset = 1; offset <= 20; offset++) {
            for (int len = 1; len <= 64; len += 7) {
                byte[] s = stream(lit, offset, len);
                byte[] out = new byte[lit.length + len];
                assertThat(Snappy.uncompress(s, 0, s.length, out)).isEqualTo(out.length);
                byte[] want = Arrays.copyOf(lit, lit.length + len);
                for (int i = lit.length; i < want.length; i++) {
                    want[i] = want[i - offset];
                }
                assertThat(out).as("offset %d len %d", offset, len).isEqualTo(want);
            }
        }
    }

    @Test
    void roundTripsRepetitiveAndRandomData() {
        Random r = new Random(7);
        for (int k = 0; k < 200; k++) {
            byte[] src = new byte[r.nextInt(5000) + 1];
            int alphabet = 1 + r.nextInt(k % 2 == 0 ? 4 : 256);
            for (int i = 0; i < src.length; i++) {
                src[i] = i > 16 && r.nextInt(3) == 0 ? src[i - 1 - r.nextInt(16)] : (byte) r.nextInt(alphabet);
            }
            byte[] c = new byte[Snappy.maxCompressedLength(src.length)];
            int n = Snappy.compress(src, 0, src.length, c, new int[1 << Snappy.HASH_BITS]);
            byte[] out = new byte[Snappy.uncompressedLength(c, 0, n)];
            Snappy.uncompress(c, 0, n, out);
            assertThat(out).isEqualTo(src);
        }
    }
}
