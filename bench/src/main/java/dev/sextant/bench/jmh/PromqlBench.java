package dev.sextant.bench.jmh;

import dev.sextant.bench.load.QuerySet;
import dev.sextant.bench.load.SeriesModel;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.engine.QueryResult;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PromQL evaluation of the fixed {@link QuerySet} over {@link MemoryStorage} holding
 * {@value #SERIES} model series with one hour of 15 s samples (2.4M samples), so the score is
 * the engine's cost, not storage decoding. {@code instant}: at the last sample; {@code range}:
 * the last hour at a 60 s step (61 steps, a Grafana panel). Score per query.
 *
 * <p>A query the engine of this build cannot evaluate fails in setup with the engine's error,
 * and JMH goes on with the next one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
@State(Scope.Benchmark)
public class PromqlBench {
    static final int SERIES = 10_000;
    static final int SAMPLES = 240;
    static final long STEP = 15_000;
    static final long END = 1_700_000_000_000L;

    @Param({"selector", "sum_rate", "rate_regex", "histogram_quantile", "topk", "sum_gauge", "max_over_time", "count_filter"})
    public String query;

    MemoryStorage storage;
    QueryEngine engine;
    String expr;

    @Setup(Level.Trial)
    public void setUp() {
        SeriesModel m = new SeriesModel(SERIES, 1);
        Labels[] labels = BenchData.labels(m);
        storage = new MemoryStorage();
        long[] refs = new long[SERIES];
        for (int r = 0; r < SAMPLES; r++) {
            if (r > 0) {
                m.advance();
            }
            long t = END - (SAMPLES - 1 - r) * STEP;
            Appender app = storage.appender();
            for (int s = 0; s < SERIES; s++) {
                refs[s] = app.append(refs[s], labels[s], t, m.value(s));
            }
            app.commit();
        }
        engine = new QueryEngine(EngineOptions.DEFAULTS);
        expr = QuerySet.byName(query).expr();
        instant(); // fails here, with the engine's message, when the query is not supported
    }

    @Benchmark
    public QueryResult instant() {
        return engine.instantQuery(storage, expr, END, QueryOptions.DEFAULTS);
    }

    @Benchmark
    public QueryResult range() {
        return engine.rangeQuery(storage, expr, END - 3_600_000L, END, 60_000, QueryOptions.DEFAULTS);
    }
}
