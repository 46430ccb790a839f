package dev.sextant.tsdb.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.tsdb.model.StaleNaN;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorChunkTest {

    /**
     * Fixture {@code fixtures/xor-chunk-4-samples.hex}, derived by hand from the spec:
     *
     * <pre>
     * 00 04                    count = 4 (be2)
     * 80 a0 ab fe f9 62        t0 = 1_700_000_000_000, zig-zag = 3_400_000_000_000 = 0x317_BFD5_5000,
     *                          7-bit groups low first: 0x00|80, 0x20|80, 0x2b|80, 0x7e|80, 0x79|80, 0x62
     * 3f f0 00 00 00 00 00 00  v0 = 1.0 raw bits
     * 98 75                    uvarint delta 15_000 = 0x3A98: 0x18|0x80, 0x75
     * then bits:
     *   0                                   v1 == v0
     *   0                                   s2: dod = 15000 - 15000 = 0
     *   1 1 00001 001011 11111111111        2.0 ^ 1.0 = 0x7FF0_0000_0000_0000: L=1, T=52, S=11, new window
     *   10 00000000000001                   s3: dod = 15001 - 15000 = 1 (14-bit bucket)
     *   1 1 01101 000001 1                  2.5 ^ 2.0 = 0x0004_0000_0000_0000: L=13, T=50 < 52, new window, S=1
     *   0                                   padding to the byte boundary
     * grouped in bytes: 00110000 10010111 11111111 11100000 00000000 01110110 10000011 = 30 97 ff e0 00 76 83
     * </pre>
     */
    @Test
    void goldenFixture() {
        byte[] expected = Hex.resource("/fixtures/xor-chunk-4-samples.hex");
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        a.append(1_700_000_000_000L, 1.0);
        a.append(1_700_000_015_000L, 1.0);
        a.append(1_700_000_030_000L, 2.0);
        a.append(1_700_000_045_001L, 2.5);
        assertThat(Hex.format(c.buffer(), 0, c.length())).isEqualTo(Hex.format(expected, 0, expected.length));

        XorIterator it = new XorIterator().reset(expected, 0, expected.length);
        long[] ts = new long[4];
        double[] vs = new double[4];
        int n = 0;
        while (it.next()) {
            ts[n] = it.atT();
            vs[n++] = it.atV();
        }
        assertThat(it.error()).isNull();
        assertThat(n).isEqualTo(4);
        assertThat(ts).containsExactly(1_700_000_000_000L, 1_700_000_015_000L, 1_700_000_030_000L, 1_700_000_045_001L);
        assertThat(vs).containsExactly(1.0, 1.0, 2.0, 2.5);
    }

    @Test
    void oneSampleChunkIsElevenBytesAndTwelveByteVariantDecodes() {
        XorChunk c = new XorChunk();
        c.appender().append(1, 3.0);
        assertThat(c.length()).isEqualTo(2 + 1 + 8);
        byte[] padded = Arrays.copyOf(c.bytes(), 12); // Prometheus 2.x form with an extra zero byte
        XorIterator it = new XorIterator().reset(padded, 0, padded.length);
        assertThat(it.next()).isTrue();
        assertThat(it.atT()).isEqualTo(1);
        assertThat(it.atV()).isEqualTo(3.0);
        assertThat(it.next()).isFalse();
    }

    @Test
    void timestampBucketsAtTheirEdges() {
        long[] dods = {0, 1, -1, 8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287,
            524289, -524288, Long.MAX_VALUE / 4, -(1L << 40)};
        for (long dod : dods) {
            long[] ts = {0, 1_000_000_000_000L, 2_000_000_000_000L + dod};
            roundTrip(ts, new long[] {1, 2, 3}, 3);
        }
    }

    @Test
    void randomRoundTripIncludingNaNsStaleMarkersNegativeTimesAndJumps() {
        Random r = new Random(42);
        for (int iter = 0; iter < 2000; iter++) {
            int n = 1 + r.nextInt(300);
            long[] ts = new long[n];
            long[] bits = new long[n];
            long t = r.nextBoolean() ? -r.nextInt(1 << 30) * 1000L : r.nextLong() >> 8;
            double v = r.nextGaussian();
            for (int i = 0; i < n; i++) {
                switch (r.nextInt(6)) {
                    case 0 -> t += 15_000;
                    case 1 -> t += 1 + r.nextInt(100);
                    case 2 -> t += 1L + (r.nextLong() >>> 24); // big jump, 64-bit dod bucket
                    default -> t += 15_000 + r.nextInt(2001) - 1000;
                }
                switch (r.nextInt(8)) {
                    case 0 -> bits[i] = StaleNaN.BITS;
                    case 1 -> bits[i] = 0x7FF8000000000001L; // Prometheus's NaN
                    case 2 -> bits[i] = r.nextLong(); // arbitrary bits, any payload
                    case 3 -> bits[i] = i > 0 ? bits[i - 1] : 0;
                    default -> {
                        v += r.nextInt(10);
                        bits[i] = Double.doubleToRawLongBits(v);
                    }
                }
                ts[i] = t;
            }
            roundTrip(ts, bits, n);
        }
    }

    /** Encodes, checks decoding; then re-encodes with a resumed appender at a random split point. */
    private static void roundTrip(long[] ts, long[] bits, int n) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < n; i++) {
            a.appendBits(ts[i], bits[i]);
        }
        assertDecodes(c.bytes(), ts, bits, n);

        int split = n / 2;
        XorChunk first = new XorChunk();
        XorAppender fa = first.appender();
        for (int i = 0; i < split; i++) {
            fa.appendBits(ts[i], bits[i]);
        }
        XorChunk resumed = XorChunk.fromBytes(first.bytes(), 0, first.length());
        XorAppender ra = resumed.appender();
        for (int i = split; i < n; i++) {
            ra.appendBits(ts[i], bits[i]);
        }
        assertDecodes(resumed.bytes(), ts, bits, n);
    }

    private static void assertDecodes(byte[] bytes, long[] ts, long[] bits, int n) {
        XorIterator it = new XorIterator().reset(bytes, 0, bytes.length);
        int i = 0;
        while (it.next()) {
            assertThat(it.atT()).as("t[%d]", i).isEqualTo(ts[i]);
            assertThat(it.atVBits()).as("v[%d]", i).isEqualTo(bits[i]);
            i++;
        }
        assertThat(it.error()).isNull();
        assertThat(i).isEqualTo(n);
    }

    @Test
    void seekFindsFirstSampleAtOrAfterAndNeverMovesBack() {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < 100; i++) {
            a.append(i * 10L, i);
        }
        XorIterator it = c.iterator(null);
        assertThat(it.seek(55)).isTrue();
        assertThat(it.atT()).isEqualTo(60);
        assertThat(it.seek(10)).isTrue();
        assertThat(it.atT()).isEqualTo(60);
        assertThat(it.next()).isTrue();
        assertThat(it.atT()).isEqualTo(70);
        assertThat(it.seek(991)).isFalse();
        assertThat(it.next()).isFalse();
    }

    @Test
    void truncatedChunkReportsError() {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < 10; i++) {
            a.append(i * 1000L, i * 1.5);
        }
        byte[] b = c.bytes();
        XorIterator it = new XorIterator().reset(b, 0, b.length - 4);
        int n = 0;
        while (it.next()) {
            n++;
        }
        assertThat(n).isLessThan(10);
        assertThat(it.error()).isNotNull();
    }

    @Test
    void resumingOneSampleChunkUsesZeroWindowLikePrometheus() {
        XorChunk c = new XorChunk();
        c.appender().append(0, 1.0);
        XorChunk resumed = XorChunk.fromBytes(c.bytes(), 0, c.length());
        resumed.appender().append(10, 2.0);
        // Byte 11: uvarint 10; then '1','0' and 64 XOR bits (window (0,0) reused): 0x0A then 0b10 + 0x7FF0...
        assertThat(resumed.bytes()[11]).isEqualTo((byte) 0x0A);
        assertThat(resumed.bytes()[12] & 0xFF).isEqualTo(0b1001_1111);
        assertThat(resumed.length()).isEqualTo(11 + 1 + 9);
        assertThatThrownBy(() -> XorChunk.fromBytes(new byte[1], 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
