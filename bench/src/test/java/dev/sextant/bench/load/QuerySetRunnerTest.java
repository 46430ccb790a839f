package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class QuerySetRunnerTest {
    private static String digest(String data) throws Exception {
        return QuerySetRunner.digest(new ObjectMapper().readTree(data));
    }

    @Test
    void digestIgnoresSeriesOrderLabelOrderAndFloatFormatting() throws Exception {
        String a = "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"1\",\"b\":\"2\"},\"values\":[[1700000000,\"0.30000000000000004\"]]},"
                + "{\"metric\":{\"a\":\"2\"},\"values\":[[1700000000.5,\"+Inf\"]]}]}";
        String b = "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"2\"},\"values\":[[1700000000.500,\"+Inf\"]]},"
                + "{\"metric\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[1700000000,\"0.3\"]]}]}";
        assertThat(digest(a)).isEqualTo(digest(b)).hasSize(16);
    }

    @Test
    void digestSeesDifferentValuesTimestampsAndLabels() throws Exception {
        String base = "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":\"1\"},\"value\":[1700000000,\"5\"]}]}";
        assertThat(digest(base)).isNotEqualTo(digest(base.replace("\"5\"", "\"5.001\"")))
                .isNotEqualTo(digest(base.replace("1700000000,", "1700000015,")))
                .isNotEqualTo(digest(base.replace("\"a\":\"1\"", "\"a\":\"2\"")))
                .isNotEqualTo(digest("{\"resultType\":\"vector\",\"result\":[]}"));
    }

    @Test
    void everyQueryOfTheSetHasAUniqueName() {
        assertThat(QuerySet.QUERIES).extracting(QuerySet.Query::name).doesNotHaveDuplicates().hasSize(8);
        assertThat(QuerySet.byName("topk").expr()).startsWith("topk(");
    }
}
