package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultCompareTest {
    private static List<String> lines(String data) throws Exception {
        return ResultCompare.canonicalLines(new ObjectMapper().readTree(data));
    }

    private static String matrix(String v1, String v2) {
        return "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"job\":\"web\"},\"values\":[[1700000000,\"" + v1
                + "\"],[1700000015,\"" + v2 + "\"]]}]}";
    }

    /** The case from the 100k-series bench: one ulp apart, on a 6-digit rounding boundary. */
    @Test
    void valuesOneUlpApartOnARoundingBoundaryAreTheSameButTheirDigestsDiffer() throws Exception {
        String sextant = matrix("8.616875", "1");
        String prometheus = matrix("8.616874999999997", "1");
        var om = new ObjectMapper();
        assertThat(QuerySetRunner.digest(om.readTree(sextant))).isNotEqualTo(QuerySetRunner.digest(om.readTree(prometheus)));
        assertThat(ResultCompare.difference(lines(sextant), lines(prometheus))).isNull();
        assertThat(ResultCompare.maxRelativeError(lines(sextant), lines(prometheus))).isGreaterThan(0).isLessThan(1e-15);
    }

    @Test
    void realDifferencesAreReported() throws Exception {
        assertThat(ResultCompare.difference(lines(matrix("8.6", "1")), lines(matrix("8.6000001", "1"))))
                .contains("1 of 2 values differ");
        assertThat(ResultCompare.difference(lines(matrix("NaN", "1")), lines(matrix("1", "1")))).isNotNull();
        assertThat(ResultCompare.difference(lines(matrix("NaN", "+Inf")), lines(matrix("NaN", "+Inf")))).isNull();
        assertThat(ResultCompare.difference(lines(matrix("1", "1")), lines(matrix("1", "1").replace("web", "api"))))
                .startsWith("different series");
        assertThat(ResultCompare.difference(lines(matrix("1", "1")), lines("{\"resultType\":\"matrix\",\"result\":[]}")))
                .isEqualTo("2 points against 0");
    }
}
