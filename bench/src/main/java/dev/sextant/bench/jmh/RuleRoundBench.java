package dev.sextant.bench.jmh;

import dev.sextant.bench.load.RecordingRules;
import dev.sextant.bench.load.SeriesModel;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One evaluation round of issue #7's rule file ({@link RecordingRules}: 1,000 {@code sum by (...)
 * (rate(...[5m]))} rules) as instant queries against a {@link Tsdb} head holding the model's
 * series with 20 samples at 15 s (the state {@code compare.sh rules-1k} measures over HTTP).
 * Score per round; the engine and the head's query path only (writing the results back is not
 * included). Parsing is done once, as a rule manager does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx4g"})
@State(Scope.Benchmark)
public class RuleRoundBench {
    static final int SAMPLES = 20;
    static final long STEP = 15_000;

    @Param({"100000"})
    public int series;

    @Param({"1000"})
    public int rules;

    Path dir;
    Tsdb tsdb;
    QueryEngine engine;
    List<Expr> exprs;
    long end;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SeriesModel m = new SeriesModel(series, 1);
        Labels[] labels = BenchData.labels(m);
        dir = Files.createTempDirectory("sextant-bench-rules");
        tsdb = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false).withRetention(0));
        end = System.currentTimeMillis() / STEP * STEP;
        long[] refs = new long[series];
        for (int r = 0; r < SAMPLES; r++) {
            if (r > 0) {
                m.advance();
            }
            long t = end - (SAMPLES - 1 - r) * STEP;
            Appender app = tsdb.appender();
            for (int s = 0; s < series; s++) {
                refs[s] = app.append(refs[s], labels[s], t, m.value(s));
            }
            app.commit();
        }
        engine = new QueryEngine(EngineOptions.DEFAULTS);
        exprs = new ArrayList<>();
        for (String line : RecordingRules.render(rules, 20, "15s").split("\n")) {
            String l = line.trim();
            if (l.startsWith("expr: ")) {
                exprs.add(QueryParser.parse(l.substring("expr: ".length())));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        tsdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void round(Blackhole bh) {
        for (Expr e : exprs) {
            bh.consume(engine.instantQuery(tsdb, e, end));
        }
    }
}
