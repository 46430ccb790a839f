package dev.sextant.tsdb.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link XorEncoder}'s bit writing against a bit-by-bit reference: random mixes of 0..64-bit
 * fields, so the 64-bit fast path, the byte loop near the end of the array, growth and resumed
 * encoders ({@code resume} + {@code truncateBits}, as {@link XorChunk#fromBytes} does) all produce
 * the same bytes.
 */
class XorEncoderBitsTest {
    private static XorEncoder encoder(int initialBytes) {
        XorEncoder e = new XorEncoder();
        e.startChunk(new byte[Math.max(initialBytes, 1)]);
        e.bitLen = 0;
        return e;
    }

    /** Bit i of the stream is bit (7 - i % 8) of byte i / 8. */
    private static void refWrite(boolean[] bits, int at, long value, int n) {
        for (int k = 0; k < n; k++) {
            bits[at + k] = ((value >>> (n - 1 - k)) & 1) != 0;
        }
    }

    private static byte[] refBytes(boolean[] bits, int len) {
        byte[] out = new byte[(len + 7) / 8];
        for (int i = 0; i < len; i++) {
            if (bits[i]) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return out;
    }

    @Test
    void randomFieldsMatchTheReference() {
        Random rnd = new Random(42);
        for (int round = 0; round < 500; round++) {
            XorEncoder w = encoder(rnd.nextInt(40));
            boolean[] ref = new boolean[64 * 200 + 8];
            int len = 0;
            int ops = rnd.nextInt(200);
            for (int op = 0; op < ops; op++) {
                if (rnd.nextInt(4) == 0) {
                    boolean b = rnd.nextBoolean();
                    w.writeBits(b ? 1 : 0, 1);
                    ref[len++] = b;
                } else {
                    int n = rnd.nextInt(65);
                    long v = rnd.nextLong(); // high garbage above bit n must be ignored
                    w.writeBits(v, n);
                    refWrite(ref, len, v, n);
                    len += n;
                }
                assertThat(w.bitLen).isEqualTo(len);
            }
            byte[] want = refBytes(ref, len);
            assertThat(Arrays.copyOf(w.chunkBuffer(), w.chunkLength())).isEqualTo(want);
            // Nothing is written past the stream's last byte.
            for (int i = w.chunkLength(); i < w.chunkBuffer().length; i++) {
                assertThat(w.chunkBuffer()[i]).as("byte %d after the stream", i).isZero();
            }
        }
    }

    @Test
    void resumedWriterContinuesTheStream() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            boolean[] ref = new boolean[64 * 40];
            int len = 0;
            XorEncoder a = encoder(16);
            int first = rnd.nextInt(20);
            for (int i = 0; i < first; i++) {
                int n = rnd.nextInt(65);
                long v = rnd.nextLong();
                a.writeBits(v, n);
                refWrite(ref, len, v, n);
                len += n;
            }
            // Resume from a copy with the exact byte length (as XorChunk.fromBytes does after truncation).
            XorEncoder b = new XorEncoder();
            b.resume(Arrays.copyOf(a.chunkBuffer(), a.chunkLength()), a.chunkLength());
            b.truncateBits(a.bitLen);
            for (int i = 0; i < 20; i++) {
                int n = rnd.nextInt(65);
                long v = rnd.nextLong();
                b.writeBits(v, n);
                refWrite(ref, len, v, n);
                len += n;
            }
            assertThat(Arrays.copyOf(b.chunkBuffer(), b.chunkLength())).isEqualTo(refBytes(ref, len));
        }
    }

    /**
     * A new chunk starts in a 128-byte array, as Prometheus's does, so a fresh series does not
     * replace its array while its first few dozen samples arrive: every replacement is a young
     * array stored into an old series, which G1 must refine (bench/README.md, scrape7).
     */
    @Test
    void aFirstChunkKeepsItsArrayUpTo128Bytes() {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        long t = 1_700_000_000_000L;
        double counter = 1_234_567;
        Random r = new Random(7);
        a.append(t, counter);
        byte[] first = c.buffer();
        int samples = 1;
        while (true) {
            t += 15_000 + r.nextInt(5) - 2; // scrape jitter of a few ms
            counter += r.nextInt(40);
            a.append(t, counter);
            if (c.length() > 128) {
                break;
            }
            samples++;
            assertThat(c.buffer()).as("array after %d samples, %d bytes", samples, c.length()).isSameAs(first);
        }
        assertThat(samples).isGreaterThanOrEqualTo(16);
    }
}
