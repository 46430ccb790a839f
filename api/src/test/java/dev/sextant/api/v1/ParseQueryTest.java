package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/parse_query}: the JSON syntax tree exactly as Prometheus 3.x writes it (its
 * {@code translateAST}, keys in Go's sorted-map order), and the {@code bad_data} envelope with the
 * parser's message for a query that does not parse.
 */
class ParseQueryTest {
    private final QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), new MemoryStorage(),
            () -> 0, (k, n) -> { }, 1);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "1.5|{\"type\":\"numberLiteral\",\"val\":\"1.5\"}",
        "-1e-7|{\"type\":\"numberLiteral\",\"val\":\"-0.0000001\"}",
        "Inf|{\"type\":\"numberLiteral\",\"val\":\"+Inf\"}",
        "\"a\\tb\"|{\"type\":\"stringLiteral\",\"val\":\"a\\tb\"}",
        "foo{a=\"b\"}|{\"matchers\":[{\"name\":\"a\",\"type\":\"=\",\"value\":\"b\"},"
                + "{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"foo\"}],\"name\":\"foo\",\"offset\":0,"
                + "\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"}",
        "{\"foo\", a=\"b\"}|{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"foo\"},"
                + "{\"name\":\"a\",\"type\":\"=\",\"value\":\"b\"}],\"name\":\"\",\"offset\":0,"
                + "\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"}",
        "{job=~\"a.*\"} offset -5m @ 100.5|{\"matchers\":[{\"name\":\"job\",\"type\":\"=~\",\"value\":\"a.*\"}],"
                + "\"name\":\"\",\"offset\":-300000,\"startOrEnd\":null,\"timestamp\":100500,\"type\":\"vectorSelector\"}",
        "foo[5m] @ start()|{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"foo\"}],\"name\":\"foo\","
                + "\"offset\":0,\"range\":300000,\"startOrEnd\":\"start\",\"timestamp\":null,\"type\":\"matrixSelector\"}",
        "sum by (job) (rate(foo[5m] offset 1m))|{\"expr\":{\"args\":[{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\","
                + "\"value\":\"foo\"}],\"name\":\"foo\",\"offset\":60000,\"range\":300000,\"startOrEnd\":null,"
                + "\"timestamp\":null,\"type\":\"matrixSelector\"}],\"func\":{\"argTypes\":[\"matrix\"],\"name\":\"rate\","
                + "\"returnType\":\"vector\",\"variadic\":0},\"type\":\"call\"},\"grouping\":[\"job\"],\"op\":\"sum\","
                + "\"param\":null,\"type\":\"aggregation\",\"without\":false}",
        "topk without () (3, x)|{\"expr\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"x\"}],"
                + "\"name\":\"x\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                + "\"grouping\":[],\"op\":\"topk\",\"param\":{\"type\":\"numberLiteral\",\"val\":\"3\"},"
                + "\"type\":\"aggregation\",\"without\":true}",
        "a / on (x) group_left (y) b|{\"bool\":false,\"lhs\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\","
                + "\"value\":\"a\"}],\"name\":\"a\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,"
                + "\"type\":\"vectorSelector\"},\"matching\":{\"card\":\"many-to-one\",\"include\":[\"y\"],"
                + "\"labels\":[\"x\"],\"on\":true},\"op\":\"/\",\"rhs\":{\"matchers\":[{\"name\":\"__name__\","
                + "\"type\":\"=\",\"value\":\"b\"}],\"name\":\"b\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,"
                + "\"type\":\"vectorSelector\"},\"type\":\"binaryExpr\"}",
        "a and b|{\"bool\":false,\"lhs\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"a\"}],"
                + "\"name\":\"a\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                + "\"matching\":{\"card\":\"many-to-many\",\"include\":[],\"labels\":[],\"on\":false},\"op\":\"and\","
                + "\"rhs\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"b\"}],\"name\":\"b\","
                + "\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                + "\"type\":\"binaryExpr\"}",
        "1 == bool 2|{\"bool\":true,\"lhs\":{\"type\":\"numberLiteral\",\"val\":\"1\"},\"matching\":null,\"op\":\"==\","
                + "\"rhs\":{\"type\":\"numberLiteral\",\"val\":\"2\"},\"type\":\"binaryExpr\"}",
        "-(x)|{\"expr\":{\"expr\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"x\"}],"
                + "\"name\":\"x\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"},"
                + "\"type\":\"parenExpr\"},\"op\":\"-\",\"type\":\"unaryExpr\"}",
        "max_over_time(x[1h:5m] offset 2m)|{\"args\":[{\"expr\":{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\","
                + "\"value\":\"x\"}],\"name\":\"x\",\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,"
                + "\"type\":\"vectorSelector\"},\"offset\":120000,\"range\":3600000,\"startOrEnd\":null,\"step\":300000,"
                + "\"timestamp\":null,\"type\":\"subquery\"}],\"func\":{\"argTypes\":[\"matrix\"],"
                + "\"name\":\"max_over_time\",\"returnType\":\"vector\",\"variadic\":0},\"type\":\"call\"}",
        "round(x)|{\"args\":[{\"matchers\":[{\"name\":\"__name__\",\"type\":\"=\",\"value\":\"x\"}],\"name\":\"x\","
                + "\"offset\":0,\"startOrEnd\":null,\"timestamp\":null,\"type\":\"vectorSelector\"}],"
                + "\"func\":{\"argTypes\":[\"vector\",\"scalar\"],\"name\":\"round\",\"returnType\":\"vector\","
                + "\"variadic\":1},\"type\":\"call\"}",
    })
    void translatesTheTreeLikePrometheus(String query, String data) throws Exception {
        ApiResponse r = handle(query);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("{\"status\":\"success\",\"data\":" + data + "}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sum(|invalid parameter \\\"query\\\": 1:5: parse error: unclosed left parenthesis",
        "rate(x)|invalid parameter \\\"query\\\": 1:6: parse error: expected type range vector in call to function \\\"rate\\\", got instant vector",
        "|invalid parameter \\\"query\\\": 1:1: parse error: no expression found in input",
    })
    void badQueriesGetTheBadDataEnvelope(String query, String error) throws Exception {
        ApiResponse r = handle(query == null ? "" : query);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.bodyAsString()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\""
                + error + "\"}");
    }

    private ApiResponse handle(String query) throws Exception {
        return api.parse().handle(ApiRequest.of("POST", "/api/v1/parse_query", Map.of("query", List.of(query))));
    }
}
