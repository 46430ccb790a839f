package dev.sextant.api.json;

import java.math.BigInteger;

/**
 * The shortest decimal that parses back to a double, written straight into a {@code char[]} in
 * Prometheus's form (see {@link PromFormat#value}): plain when {@code 1e-6 <= |v| < 1e21},
 * otherwise Go's {@code 'e'} form ({@code 1e-07}, {@code 1.5e+21}). Among several shortest
 * decimals the one nearest to the double is taken, as Go's {@code strconv} does.
 *
 * <p>Why: Java 17's {@code Double.toString} is sometimes one digit longer than the shortest (Go's)
 * form, so every value used to go through {@code Double.toString}, a string parse and a digit
 * search; that was the largest part of writing a matrix of rates. This is the Schubfach method
 * (R. Giulietti, "The Schubfach way to render doubles", 2020), written from the paper: the
 * double's rounding interval is scaled by a 126-bit approximation of a power of ten, chosen so that
 * the scaled interval is between 1 and 10 units wide; it then holds at most one multiple of ten
 * (a decimal one digit shorter) and otherwise the two integers around the scaled value, of which
 * the nearer is taken. All arithmetic is on longs, so a value costs no allocation.
 *
 * <p>{@code PromFormatTest} checks it against the BigDecimal search ({@link PromFormat#valueSlow})
 * over millions of values of every magnitude, and the table and logarithm approximations against
 * exact big-integer arithmetic.
 *
 * <p>Thread-safety: stateless (the table is built once).
 */
final class ShortestDouble {
    /** Longest text {@link #write} produces: sign, 17 digits, "0." and 5 zeros, or the 'e' form. */
    static final int MAX_CHARS = 32;

    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << 52;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;

    /** For k in [K_MIN, K_MAX]: g = floor(10^-k · 2^-r) + 1 with 2^125 <= 10^-k · 2^-r < 2^126, as 63 + 63 bits. */
    private static final long[] G1 = new long[K_MAX - K_MIN + 1];
    private static final long[] G0 = new long[K_MAX - K_MIN + 1];
    /** floor(log2(10^-k)) for k in [K_MIN, K_MAX]. */
    private static final int[] LOG2_POW10 = new int[K_MAX - K_MIN + 1];

    static {
        BigInteger ten = BigInteger.TEN;
        for (int k = K_MIN; k <= K_MAX; k++) {
            int e = -k;
            BigInteger g;
            int log2;
            if (e >= 0) {
                BigInteger p = ten.pow(e);
                log2 = p.bitLength() - 1;
                int shift = 125 - log2;
                g = shift >= 0 ? p.shiftLeft(shift) : p.shiftRight(-shift);
            } else {
                BigInteger p = ten.pow(-e);
                // 10^e = 1 / p with p not a power of two (e < 0): floor(log2) = -bitLength(p).
                log2 = -p.bitLength();
                int shift = 125 - log2;
                g = BigInteger.ONE.shiftLeft(shift).divide(p);
            }
            g = g.add(BigInteger.ONE);
            G1[k - K_MIN] = g.shiftRight(63).longValueExact();
            G0[k - K_MIN] = g.longValue() & MASK_63;
            LOG2_POW10[k - K_MIN] = log2;
        }
    }

    private ShortestDouble() {}

    /**
     * Writes finite, non-zero {@code v} into {@code out} at {@code pos} (which must have room for
     * {@link #MAX_CHARS}); returns the new end.
     */
    static int write(double v, char[] out, int pos) {
        long bits = Double.doubleToRawLongBits(v);
        if (bits < 0) {
            out[pos++] = '-';
        }
        double abs = Math.abs(v);
        boolean plain = abs >= 1e-6 && abs < 1e21;
        long t = bits & ((1L << 52) - 1);
        int bq = (int) (bits >>> 52) & 0x7ff;
        if (bq != 0) {
            int q = bq - 1075;
            long c = C_MIN | t;
            // Fast path: an integer below 2^53 is its own shortest decimal (its neighbours are
            // at least 1 away, so no shorter decimal rounds to it).
            if (q <= 0 && q > -53) {
                long f = c >> -q;
                if (f << -q == c) {
                    return chars(f, 0, plain, out, pos);
                }
            }
            return decimal(q, c, plain, out, pos);
        }
        // Subnormal.
        return decimal(Q_MIN, t, plain, out, pos);
    }

    /** floor(log10(2^q)). */
    static int flog10pow2(int q) {
        return (int) ((q * 661_971_961_083L) >> 41);
    }

    /** floor(log10(3/4 · 2^q)). */
    static int flog10threeQuartersPow2(int q) {
        return (int) ((q * 661_971_961_083L - 274_743_187_321L) >> 41);
    }

    static long g1(int k) {
        return G1[k - K_MIN];
    }

    static long g0(int k) {
        return G0[k - K_MIN];
    }

    /** The decimal for {@code c · 2^q}; its digits are written by {@link #chars}. */
    private static int decimal(int q, long c, boolean plain, char[] out, int pos) {
        int odd = (int) c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // At a power of two the interval below is half as wide as the one above.
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + LOG2_POW10[k - K_MIN] + 2;
        long g1 = G1[k - K_MIN];
        long g0 = G0[k - K_MIN];
        long vb = rop(g1, g0, cb << h);
        long vbl = rop(g1, g0, cbl << h);
        long vbr = rop(g1, g0, cbr << h);
        // The bounds are inclusive for an even significand (round-half-even parses them to v).
        long s = vb >> 2;
        // (The JDK's version skips this below s = 100 to keep two digits; Go's shortest form wants
        // the one-digit decimal too, which only the smallest subnormals produce.)
        {
            // 10 · floor(s / 10) without a division: the multiplier is 2^64 / 10 rounded up
            // (by less than 7), exact for every s this can produce (s < 2^57).
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + odd <= sp10 << 2;
            boolean wpin = (tp10 << 2) + odd <= vbr;
            if (upin != wpin) {
                return chars(upin ? sp10 : tp10, k, plain, out, pos);
            }
        }
        long t = s + 1;
        boolean uin = vbl + odd <= s << 2;
        boolean win = (t << 2) + odd <= vbr;
        if (uin != win) {
            return chars(uin ? s : t, k, plain, out, pos);
        }
        long cmp = vb - ((s + t) << 1);
        return chars(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k, plain, out, pos);
    }

    /** floor(log2(10^-k)), from the exact table. */
    static int log2pow10neg(int k) {
        return LOG2_POW10[k - K_MIN];
    }

    /** Rounds {@code g · cp / 2^127} to odd (the paper's rop): the sticky bit keeps exactness visible. */
    private static long rop(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | (((z & MASK_63) + MASK_63) >>> 63);
    }

    /** Writes {@code f · 10^e} (f > 0) without trailing zeros, plain or in Go's 'e' form. */
    private static int chars(long f, int e, boolean plain, char[] out, int pos) {
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        int len = digitCount(f);
        if (!plain) {
            // d.ddde±XX
            int end = pos + len + (len > 1 ? 1 : 0);
            writeDigits(f, out, pos, len, len > 1 ? 1 : -1);
            pos = end;
            int x = len - 1 + e;
            out[pos++] = 'e';
            out[pos++] = x < 0 ? '-' : '+';
            x = Math.abs(x);
            if (x >= 100) {
                out[pos++] = (char) ('0' + x / 100);
            }
            out[pos++] = (char) ('0' + x / 10 % 10);
            out[pos++] = (char) ('0' + x % 10);
            return pos;
        }
        int point = len + e; // digits before the decimal point
        if (e >= 0) {
            writeDigits(f, out, pos, len, -1);
            pos += len;
            for (int i = 0; i < e; i++) {
                out[pos++] = '0';
            }
            return pos;
        }
        if (point > 0) {
            writeDigits(f, out, pos, len, point);
            return pos + len + 1;
        }
        out[pos++] = '0';
        out[pos++] = '.';
        for (int i = 0; i < -point; i++) {
            out[pos++] = '0';
        }
        writeDigits(f, out, pos, len, -1);
        return pos + len;
    }

    /**
     * Writes the {@code len} digits of {@code f} (at most 18) at {@code pos}, with a '.' after the
     * first {@code dot} digits if {@code dot > 0}. The low eight digits of a long {@code f} are
     * split off first, so every division is a 32-bit one by a constant (a multiply), two digits at a
     * time; the point is put in by moving the digits after it one place right.
     */
    private static void writeDigits(long f, char[] out, int pos, int len, int dot) {
        int i = pos + len;
        int v;
        if (len > 8) {
            long hi = f / 100_000_000L;
            int lo = (int) (f - hi * 100_000_000L);
            for (int k = 0; k < 4; k++) {
                int q = lo / 100;
                int r = lo - q * 100;
                lo = q;
                out[--i] = DIGIT_ONES[r];
                out[--i] = DIGIT_TENS[r];
            }
            v = (int) hi;
        } else {
            v = (int) f;
        }
        while (i - pos >= 2) {
            int q = v / 100;
            int r = v - q * 100;
            v = q;
            out[--i] = DIGIT_ONES[r];
            out[--i] = DIGIT_TENS[r];
        }
        if (i > pos) {
            out[--i] = (char) ('0' + v);
        }
        if (dot > 0) {
            System.arraycopy(out, pos + dot, out, pos + dot + 1, len - dot);
            out[pos + dot] = '.';
        }
    }

    private static final char[] DIGIT_TENS = new char[100];
    private static final char[] DIGIT_ONES = new char[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (char) ('0' + i / 10);
            DIGIT_ONES[i] = (char) ('0' + i % 10);
        }
    }

    /**
     * Decimal digits of {@code 0 < f < 2^63}: {@code bits · 1233 / 4096} is {@code floor(bits ·
     * log10 2)} for every bit length up to 63, so it is the digit count or one less.
     */
    static int digitCount(long f) {
        int t = ((64 - Long.numberOfLeadingZeros(f)) * 1233) >>> 12;
        return f >= POW10[t] ? t + 1 : t;
    }

    private static final long[] POW10 = new long[19];

    static {
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }
}
