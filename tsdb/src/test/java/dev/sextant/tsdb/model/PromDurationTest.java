package dev.sextant.tsdb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromDurationTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, 0", "15s, 15000", "1h30m, 5400000", "500ms, 500", "1m500ms, 60500", "2w, 1209600000",
        "1y, 31536000000", "90d, 7776000000", "1d2h3m4s5ms, 93784005"})
    void parses(String in, long ms) {
        assertThat(PromDuration.parseMillis(in)).isEqualTo(ms);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"''", "1.5h", "30m1h", "1h1h", "h", "5x", "1", "-1s", "9999999999999999999s", "100000000000y"})
    void rejects(String in) {
        assertThatThrownBy(() -> PromDuration.parseMillis(in)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"0, 0s", "15000, 15s", "5400000, 1h30m", "500, 500ms", "7776000000, 90d", "1209600000, 2w",
        "31536000000, 1y", "1296000000, 15d", "60500, 1m500ms"})
    void formatsLikePrometheus(long ms, String out) {
        assertThat(PromDuration.format(ms)).isEqualTo(out);
    }
}
