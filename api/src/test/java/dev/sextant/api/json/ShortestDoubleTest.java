package dev.sextant.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDouble} against the BigDecimal digit search ({@link PromFormat#valueSlow}, built on
 * {@code Double.toString}) and its constants against exact arithmetic.
 */
class ShortestDoubleTest {

    private static String write(double v) {
        char[] c = new char[ShortestDouble.MAX_CHARS + 8];
        c[0] = 'x';
        int n = ShortestDouble.write(v, c, 1);
        assertThat(n - 1).as("length of %s", v).isLessThanOrEqualTo(ShortestDouble.MAX_CHARS);
        return new String(c, 1, n - 1);
    }

    private static void same(double v) {
        assertThat(write(v)).as("bits %x (%s)", Double.doubleToRawLongBits(v), Double.toString(v))
                .isEqualTo(PromFormat.valueSlow(v));
    }

    @Test
    void log10ApproximationsAreExactOverTheDoubleRange() {
        for (int q = -1100; q <= 1000; q++) {
            BigDecimal p = q >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(q))
                    : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-q)));
            int k = ShortestDouble.flog10pow2(q);
            assertThat(p.compareTo(BigDecimal.ONE.scaleByPowerOfTen(k))).as("q %d", q).isGreaterThanOrEqualTo(0);
            assertThat(p.compareTo(BigDecimal.ONE.scaleByPowerOfTen(k + 1))).as("q %d", q).isLessThan(0);
            BigDecimal tq = p.multiply(new BigDecimal("0.75"));
            int k3 = ShortestDouble.flog10threeQuartersPow2(q);
            assertThat(tq.compareTo(BigDecimal.ONE.scaleByPowerOfTen(k3))).as("3/4 q %d", q).isGreaterThanOrEqualTo(0);
            assertThat(tq.compareTo(BigDecimal.ONE.scaleByPowerOfTen(k3 + 1))).as("3/4 q %d", q).isLessThan(0);
        }
    }

    @Test
    void powerOfTenTableIsFloorPlusOneOf126Bits() {
        for (int k = -324; k <= 292; k++) {
            BigInteger g = BigInteger.valueOf(ShortestDouble.g1(k)).shiftLeft(63).or(BigInteger.valueOf(ShortestDouble.g0(k)));
            int r = ShortestDouble.log2pow10neg(k) - 125;
            // beta = 10^-k / 2^r, exactly
            BigDecimal beta = BigDecimal.ONE.scaleByPowerOfTen(-k);
            beta = r >= 0 ? beta.divide(new BigDecimal(BigInteger.ONE.shiftLeft(r)))
                    : beta.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(-r)));
            BigDecimal gm1 = new BigDecimal(g.subtract(BigInteger.ONE));
            assertThat(gm1.compareTo(beta)).as("k %d", k).isLessThanOrEqualTo(0);
            assertThat(new BigDecimal(g).compareTo(beta)).as("k %d", k).isGreaterThan(0);
            assertThat(g.subtract(BigInteger.ONE).bitLength()).as("k %d", k).isEqualTo(126);
            assertThat(ShortestDouble.g0(k)).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void edgeValues() {
        double[] vs = {Double.MIN_VALUE, -Double.MIN_VALUE, 2 * Double.MIN_VALUE, 3 * Double.MIN_VALUE,
            Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Math.nextUp(Double.MIN_NORMAL),
            Double.MAX_VALUE, -Double.MAX_VALUE, Math.nextDown(Double.MAX_VALUE), 1e-6, Math.nextDown(1e-6),
            Math.nextUp(1e-6), 1e21, Math.nextDown(1e21), Math.nextUp(1e21), 1e23, 9.007199254740993E15,
            9007199254740992.0, 9007199254740994.0, 1e15, 1e15 + 1, 123456789012345678.0, 2.82879384806159E17,
            0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 5e-324, 1.7976931348623157E308, 4.9e-324, 1e-7, 1.5e21, 0.001,
            100, 1, -1, 0.5, 1e22, 1e-5, 123.456, 1e300, 1e-300, 5e-310};
        for (double v : vs) {
            same(v);
        }
        assertThat(write(1e-7)).isEqualTo("1e-07");
        assertThat(write(1.5e21)).isEqualTo("1.5e+21");
        assertThat(write(1e300)).isEqualTo("1e+300");
        assertThat(write(-0.0015)).isEqualTo("-0.0015");
        assertThat(write(1e20)).isEqualTo("100000000000000000000");
        assertThat(write(5e-324)).isEqualTo("5e-324");
        assertThat(write(2.0E-3)).isEqualTo("0.002");
    }

    @Test
    void everyPowerOfTwoAndItsNeighbours() {
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            for (double v : new double[] {p, Math.nextUp(p), Math.nextDown(p), -3 * p}) {
                if (v != 0 && Double.isFinite(v)) {
                    same(v);
                }
            }
        }
    }

    @Test
    void smallestSubnormals() {
        for (long t = 1; t <= 20_000; t++) {
            same(Double.longBitsToDouble(t));
        }
    }

    @Test
    void randomValuesOfEveryMagnitudeMatchTheBigDecimalSearch() {
        SplittableRandom r = new SplittableRandom(20261126);
        int checked = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double v = switch (i % 8) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));
                case 2 -> r.nextLong(1, 1_000_000L) * Math.pow(10, r.nextInt(-25, 25));
                case 3 -> r.nextLong(-10_000_000_00L, 10_000_000_00L) / 100.0;
                case 4 -> (double) r.nextLong(1, Long.MAX_VALUE);
                case 5 -> Double.longBitsToDouble(r.nextLong(1, 1L << 52)); // subnormals
                case 6 -> r.nextLong(1, 1_000_000_000L) / Math.pow(10, r.nextInt(1, 12));
                default -> r.nextDouble() * 1e7;
            };
            if (!Double.isFinite(v) || v == 0) {
                continue;
            }
            same(v);
            assertThat(Double.parseDouble(write(v))).isEqualTo(v);
            checked++;
        }
        assertThat(checked).isGreaterThan(950_000);
    }

    @Test
    void digitCountAtEveryPowerOfTenAndTwo() {
        long p = 1;
        for (int d = 1; d <= 18; d++) {
            // p = 10^(d-1): d digits; p - 1: d - 1 digits.
            assertThat(ShortestDouble.digitCount(p)).as("10^%d", d - 1).isEqualTo(d);
            if (p > 1) {
                assertThat(ShortestDouble.digitCount(p - 1)).as("10^%d - 1", d - 1).isEqualTo(d - 1);
            }
            p *= 10;
        }
        for (int b = 0; b < 63; b++) {
            for (long f : new long[] {1L << b, (1L << b) - 1, (1L << b) + 1}) {
                if (f > 0) {
                    assertThat(ShortestDouble.digitCount(f)).as("%d", f).isEqualTo(Long.toString(f).length());
                }
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long f = r.nextLong(1, Long.MAX_VALUE) >>> r.nextInt(63);
            if (f > 0) {
                assertThat(ShortestDouble.digitCount(f)).as("%d", f).isEqualTo(Long.toString(f).length());
            }
        }
    }

    /** Digits split at eight (the long/int split) and the point at every place, both forms. */
    @Test
    void everyDigitCountWithThePointAtEveryPlace() {
        SplittableRandom r = new SplittableRandom(20261127);
        for (int digits = 1; digits <= 17; digits++) {
            long lo = digits == 1 ? 1 : (long) Math.pow(10, digits - 1);
            long hi = (long) Math.pow(10, digits);
            for (int i = 0; i < 200; i++) {
                long f = r.nextLong(lo, hi);
                for (int k = -25; k <= 25; k++) {
                    double v = Double.parseDouble(f + "e" + k);
                    same(v);
                    same(-v);
                }
            }
        }
        assertThat(write(123456789.5)).isEqualTo("123456789.5");
        assertThat(write(12345678.9)).isEqualTo("12345678.9");
        assertThat(write(0.12345678901234568)).isEqualTo("0.12345678901234568");
        same(1.2345678901234567e-7);
        assertThat(write(98765432109876540.0)).isEqualTo("98765432109876540");
    }
}
