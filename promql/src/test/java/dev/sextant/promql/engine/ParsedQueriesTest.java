package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The engine's cache of parsed query texts: reuse, bounds, errors, and shared trees under concurrency. */
class ParsedQueriesTest {
    private static final long MIN = 60_000;

    @Test
    void sameTextSameTreeErrorsNotCachedAndBounded() {
        ParsedQueries p = new ParsedQueries();
        Expr a = p.parse("sum by (job) (rate(x[5m]))");
        assertThat(p.parse("sum by (job) (rate(x[5m]))")).isSameAs(a);
        assertThat(a).isEqualTo(QueryParser.parse("sum by (job) (rate(x[5m]))"));
        assertThat(p.parse("sum by (job) (rate(x[1m]))")).isNotEqualTo(a);
        String want = catchMessage(() -> QueryParser.parse("sum("));
        assertThat(want).startsWith("1:");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> p.parse("sum(")).isInstanceOf(ParseException.class).hasMessage(want);
        }
        assertThat(p.size()).isEqualTo(2);
        String longText = "x" + " + x".repeat(ParsedQueries.MAX_TEXT / 4);
        p.parse(longText);
        assertThat(p.size()).isEqualTo(2);
        for (int i = 0; i < 3 * ParsedQueries.MAX_ENTRIES; i++) {
            p.parse("m" + i);
            assertThat(p.size()).isBetween(1, ParsedQueries.MAX_ENTRIES);
        }
    }

    @Test
    void aCachedTreeEvaluatesLikeAFreshOneOnNewDataAndConcurrently() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        append(storage, 0, 10);
        QueryEngine engine = new QueryEngine(EngineOptions.DEFAULTS);
        QueryEngine fresh = new QueryEngine(EngineOptions.DEFAULTS);
        String q = "sum by (job) (rate(reqs_total[5m])) + on (job) group_left count by (job) (reqs_total offset 1m)";
        String first = render(engine.rangeQuery(storage, q, 5 * MIN, 10 * MIN, 30_000));
        assertThat(engine.parsedQueriesCached()).isEqualTo(1);
        assertThat(first).contains("{job=\"j0\"}").contains("{job=\"j1\"}");
        // New data under the same text: the cached tree must see it.
        append(storage, 11, 20);
        String later = render(engine.rangeQuery(storage, q, 5 * MIN, 20 * MIN, 30_000));
        assertThat(later).isEqualTo(render(fresh.rangeQuery(storage, q, 5 * MIN, 20 * MIN, 30_000)));
        assertThat(later).isNotEqualTo(first);
        // Many threads on one cached tree at once: every answer equals the one-thread answer.
        String want = render(fresh.instantQuery(storage, q, 20 * MIN));
        assertThat(want).contains("{job=\"j0\"}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                boolean range = (i & 1) == 0;
                fs.add(pool.submit(() -> range ? render(engine.rangeQuery(storage, q, 5 * MIN, 20 * MIN, 30_000))
                        : render(engine.instantQuery(storage, q, 20 * MIN))));
            }
            for (int i = 0; i < fs.size(); i++) {
                assertThat(fs.get(i).get()).isEqualTo((i & 1) == 0 ? later : want);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.parsedQueriesCached()).isEqualTo(1);
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (ParseException e) {
            return e.getMessage();
        }
        throw new AssertionError("no parse error");
    }

    /** Values, timestamps and labels as text (SeriesPoints compares its arrays by identity). */
    private static String render(Object v) {
        StringBuilder sb = new StringBuilder();
        if (v instanceof Matrix m) {
            for (SeriesPoints s : m.series()) {
                sb.append(s.metric()).append(' ');
                for (int i = 0; i < s.count(); i++) {
                    sb.append(s.timestamps()[i]).append('=').append(Double.doubleToRawLongBits(s.values()[i])).append(' ');
                }
                sb.append('\n');
            }
        } else {
            for (Sample s : ((Vector) v).samples()) {
                sb.append(s.metric()).append(' ').append(s.t()).append('=').append(Double.doubleToRawLongBits(s.v())).append('\n');
            }
        }
        return sb.toString();
    }

    private static void append(MemoryStorage storage, int fromMin, int toMin) {
        Appender app = storage.appender();
        for (int i = 0; i < 6; i++) {
            Labels l = Labels.of("__name__", "reqs_total", "job", "j" + (i % 2), "instance", "i" + i);
            for (long m = fromMin; m <= toMin; m++) {
                app.append(0, l, m * MIN, m * 60.0 * (i + 1));
            }
        }
        app.commit();
    }
}
