package dev.sextant.promql.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;

/**
 * Any string given to the PromQL parser yields an expression or a {@link ParseException}: never
 * another exception, a hang or an out-of-memory. Under plain Surefire the seed corpus runs as a
 * regression test; {@code JAZZER_FUZZ=1 ./mvnw test -pl promql -Dtest=QueryParserFuzzTest} fuzzes.
 */
class QueryParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(String query) {
        if (query == null) {
            return; // Jazzer's empty input
        }
        try {
            QueryParser.parse(query);
        } catch (ParseException expected) {
            // the documented error
        }
    }
}
