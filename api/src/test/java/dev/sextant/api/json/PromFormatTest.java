package dev.sextant.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromFormatTest {
    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "0, 0",
        "1000, 1",
        "1435781451781, 1435781451.781",
        "1435781451050, 1435781451.050",
        "1435781451500, 1435781451.500",
        "1435781451005, 1435781451.005",
        "-1500, -1.500",
        "1, 0.001",
    })
    void timestamps(long ms, String expected) {
        assertThat(PromFormat.timestamp(ms)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1, 1",
        "-2, -2",
        "0.5, 0.5",
        "0.1, 0.1",
        "1234567.25, 1234567.25",
        "100000000000000000000, 100000000000000000000",
        "1e21, 1e+21",
        "1.5e21, 1.5e+21",
        "1e-6, 0.000001",
        "1e-7, 1e-07",
        "-2.5e-10, -2.5e-10",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "4.9e-324, 5e-324",
        "0.30000000000000004, 0.30000000000000004",
        "123456789012345680, 123456789012345680",
        "NaN, NaN",
        "Infinity, +Inf",
        "-Infinity, -Inf",
    })
    void values(double v, String expected) {
        assertThat(PromFormat.value(v)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1, 1",
        "123456, 123456",
        "1000000, 1e+06",
        "1234567, 1.234567e+06",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "-2.5, -2.5",
        "0.1, 0.1",
        "NaN, NaN",
        "-Infinity, -Inf",
    })
    void goGFormatForTextExposition(double v, String expected) {
        assertThat(PromFormat.goG(v)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2.82879384806159E17", "1.0E23", "9.007199254740993E15", "5.0E-324", "3.14159"})
    void shortestRoundTrips(double v) {
        String s = PromFormat.value(v);
        assertThat(Double.parseDouble(s)).isEqualTo(v);
        assertThat(s.replace("-", "").replace(".", "").replaceAll("e.*", "").replaceAll("^0+", "")
                .replaceAll("0+$", "").length()).isLessThanOrEqualTo(17);
    }

    /** The Double.toString fast path of value() agrees with the BigDecimal digit search everywhere it applies. */
    @org.junit.jupiter.api.Test
    void fastPathMatchesTheGeneralPath() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        int checked = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double v = switch (i % 5) {
                case 0 -> r.nextLong(-10_000_000_00L, 10_000_000_00L) / 100.0;      // gauges with two decimals
                case 1 -> r.nextDouble() * 1e7;                                        // 16-17 digit values
                case 2 -> r.nextLong(1, 1_000_000_000L) / Math.pow(10, r.nextInt(1, 12)); // short decimals
                case 3 -> Double.longBitsToDouble(r.nextLong());                       // any bit pattern
                default -> r.nextInt(1, 100_000) * 0.001;                              // rates in thousandths
            };
            if (!Double.isFinite(v) || v == Math.rint(v)) {
                continue;
            }
            String fast = PromFormat.value(v);
            assertThat(fast).as("value %s", Double.toString(v)).isEqualTo(PromFormat.valueSlow(v));
            checked++;
        }
        assertThat(checked).isGreaterThan(700_000);
    }

    /** The BigDecimal-free digit search (all magnitudes, large integers included) agrees with the BigDecimal one. */
    @org.junit.jupiter.api.Test
    void digitSearchMatchesBigDecimalSearch() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        int checked = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double v = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(r.nextLong());                       // any bit pattern
                case 1 -> (double) r.nextLong(1_000_000_000_000_000L, Long.MAX_VALUE);  // integers >= 1e15
                case 2 -> r.nextDouble() * Math.pow(10, r.nextInt(-30, 30));           // 16-17 digits, any scale
                default -> r.nextLong(1, 1_000_000L) * Math.pow(10, r.nextInt(-25, 25)); // short digits, any scale
            };
            if (!Double.isFinite(v) || v == 0 || (Math.abs(v) < 1e15 && v == Math.rint(v))) {
                continue;
            }
            assertThat(PromFormat.value(v)).as("value %s", Double.toString(v)).isEqualTo(PromFormat.valueSlow(v));
            checked++;
        }
        assertThat(checked).isGreaterThan(900_000);
    }

    /** Matrix points write timestamps straight into a char array: the same text as PromFormat.timestamp. */
    @org.junit.jupiter.api.Test
    void pointTimestampsMatchTimestampText() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        char[] c = new char[40];
        for (int i = 0; i < 200_000; i++) {
            long ms = switch (i % 4) {
                case 0 -> r.nextLong(0, 4_000_000_000_000L);
                case 1 -> r.nextLong(-4_000_000_000_000L, 0);
                case 2 -> r.nextLong(0, 4_000_000_000L) * 1000;
                default -> r.nextLong();
            };
            int n = JsonOut.timestampChars(ms, c, 3);
            assertThat(new String(c, 3, n - 3)).as("ms %d", ms).isEqualTo(PromFormat.timestamp(ms));
        }
        for (long ms : new long[] {0, 1, 999, 1000, 1001, -1, -1000, Long.MAX_VALUE, Long.MIN_VALUE}) {
            int n = JsonOut.timestampChars(ms, c, 0);
            assertThat(new String(c, 0, n)).as("ms %d", ms).isEqualTo(PromFormat.timestamp(ms));
        }
    }
}
