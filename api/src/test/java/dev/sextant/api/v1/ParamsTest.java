package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParamsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1435781451.781, 1435781451781",
        "1435781451, 1435781451000",
        "1.0006, 1001",
        "0, 0",
        "-1.5, -1500",
        "2015-07-01T20:10:51.781Z, 1435781451781",
        "2015-07-01T22:10:51+02:00, 1435781451000",
    })
    void times(String in, long expected) throws ApiException {
        assertThat(Params.parseTime("time", in)).isEqualTo(expected);
    }

    @Test
    void badTimeNamesParameter() {
        assertThatThrownBy(() -> Params.parseTime("time", "yesterday"))
                .isInstanceOf(ApiException.class)
                .hasMessage("invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"15, 15000", "0.5, 500", "1h30m, 5400000", "500ms, 500", "1d, 86400000", "2w, 1209600000",
        "1y, 31536000000", "0, 0", "1m30s, 90000"})
    void durations(String in, long expected) throws ApiException {
        assertThat(Params.parseDuration("step", in)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"1.5h", "30m1h", "1h1h", "abc", "''", "5x", "1hm"})
    void badDurations(String in) {
        assertThatThrownBy(() -> Params.parseDuration("step", in))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("invalid parameter \"step\": cannot parse");
    }
}
