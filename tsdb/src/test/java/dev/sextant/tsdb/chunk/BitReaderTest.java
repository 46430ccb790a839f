package dev.sextant.tsdb.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BitReaderTest {
    /** Bit {@code i} of {@code b}, most significant first: the reference every read is checked against. */
    private static long bit(byte[] b, long i) {
        return (b[(int) (i >>> 3)] >>> (7 - (int) (i & 7))) & 1;
    }

    @Test
    void readsOfEveryWidthAtEveryOffsetMatchBitByBitReading() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 2_000; round++) {
            byte[] b = new byte[r.nextInt(1, 40)];
            r.nextBytes(b);
            int off = r.nextInt(b.length);
            int len = r.nextInt(b.length - off + 1);
            BitReader in = new BitReader();
            in.reset(b, off, len);
            long p = (long) off << 3;
            long end = (long) (off + len) << 3;
            while (true) {
                int n = r.nextInt(65);
                long v = in.readBits(n);
                if (p + n > end) {
                    assertThat(in.overrun()).isTrue();
                    assertThat(v).isZero();
                    break;
                }
                long want = 0;
                for (int i = 0; i < n; i++) {
                    want = (want << 1) | bit(b, p + i);
                }
                assertThat(v).as("round %d: %d bits at %d", round, n, p).isEqualTo(want);
                p += n;
                assertThat(in.position()).isEqualTo(p);
                assertThat(in.overrun()).isFalse();
            }
        }
    }

    @Test
    void sixtyFourBitReadsAtOddOffsetsNearTheArrayEnd() {
        byte[] b = new byte[9];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0xA5 ^ i * 37);
        }
        for (int shift = 0; shift < 8; shift++) {
            BitReader in = new BitReader();
            in.reset(b, 0, 9);
            in.readBits(shift);
            long want = 0;
            for (int i = 0; i < 64; i++) {
                want = (want << 1) | bit(b, shift + i);
            }
            assertThat(in.readBits(64)).as("shift %d", shift).isEqualTo(want);
        }
    }

    /** Varints read the same at a byte boundary (the direct path) and at every bit offset. */
    @Test
    void varintsAlignedAndUnaligned() {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 5_000; round++) {
            long value = switch (round % 3) {
                case 0 -> r.nextLong(128);
                case 1 -> r.nextLong(1L << 42);
                default -> r.nextLong();
            };
            byte[] varint = new byte[10];
            int len = 0;
            long u = value;
            while (Long.compareUnsigned(u, 0x80) >= 0) {
                varint[len++] = (byte) (u | 0x80);
                u >>>= 7;
            }
            varint[len++] = (byte) u;
            for (int shift = 0; shift < 8; shift++) {
                // shift one-bits, then the varint's bits, then padding.
                byte[] b = new byte[len + 2];
                long bit = 0;
                for (int i = 0; i < shift; i++, bit++) {
                    b[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
                }
                for (int i = 0; i < len * 8; i++, bit++) {
                    if (((varint[i >>> 3] >>> (7 - (i & 7))) & 1) != 0) {
                        b[(int) (bit >>> 3)] |= (byte) (0x80 >>> (bit & 7));
                    }
                }
                BitReader in = new BitReader();
                in.reset(b, 0, b.length);
                in.readBits(shift);
                assertThat(in.readUvarint()).as("value %d at shift %d", value, shift).isEqualTo(value);
                assertThat(in.position()).isEqualTo(shift + len * 8L);
                assertThat(in.overrun()).isFalse();
            }
            // Cut short: an overrun, whatever the alignment.
            BitReader in = new BitReader();
            in.reset(varint, 0, len - 1);
            assertThat(in.readUvarint()).isZero();
            assertThat(in.overrun()).isTrue();
        }
    }
}
