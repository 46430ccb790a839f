package dev.sextant.api.app;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.ParseException;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockMeta;
import dev.sextant.tsdb.block.BlockWriter;
import dev.sextant.tsdb.chunk.ChunkMeta;
import dev.sextant.tsdb.chunk.SeriesChunks;
import dev.sextant.tsdb.chunk.XorAppender;
import dev.sextant.tsdb.chunk.XorChunk;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sextant tsdb …}: work on a data directory, like {@code promtool tsdb …}. */
@Command(name = "tsdb", description = "Run tsdb commands.",
        subcommands = {TsdbCommand.Dump.class, TsdbCommand.CreateBlocksFrom.class})
final class TsdbCommand {
    static final long BLOCK_RANGE = 2 * 3600_000L;

    /** {@code sextant tsdb dump [--match=…] [--min-time] [--max-time] <dir>}: {@code {labels} value timestamp} lines. */
    @Command(name = "dump", description = "Dump samples from a TSDB.")
    static final class Dump implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "db path", defaultValue = "data/")
        Path dir;

        @Option(names = "--min-time", defaultValue = "-9223372036854775808", description = "Minimum timestamp (ms).")
        long minTime;

        @Option(names = "--max-time", defaultValue = "9223372036854775807", description = "Maximum timestamp (ms).")
        long maxTime;

        @Option(names = "--match", defaultValue = "{__name__=~\".+\"}", description = "Series selector.")
        String match;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Expr e = QueryParser.parse(match);
            if (!(e instanceof VectorSelector v)) {
                spec.commandLine().getErr().println("sextant: error: --match must be a series selector");
                return 1;
            }
            if (!Files.isDirectory(dir)) {
                spec.commandLine().getErr().println("sextant: error: no such data directory: " + dir);
                return 1;
            }
            try (Tsdb db = Tsdb.open(dir, TsdbOptions.defaults().withBackgroundCompaction(false));
                    Querier q = db.querier(minTime, maxTime)) {
                SeriesSet set = q.select(true, null, v.matchers().toArray(new Matcher[0]));
                SampleIterator reuse = null;
                while (set.next()) {
                    String labels = set.at().labels().toString();
                    SampleIterator it = set.at().iterator(reuse);
                    reuse = it;
                    while (it.next()) {
                        out.print(labels);
                        out.print(' ');
                        out.print(goFloat(it.atV()));
                        out.print(' ');
                        out.println(it.atT());
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    /** {@code sextant tsdb create-blocks-from openmetrics <file> [<dir>]}: backfill like promtool's. */
    @Command(name = "create-blocks-from", description = "Create blocks of data for new recording rules or from other sources.",
            subcommands = {OpenMetrics.class})
    static final class CreateBlocksFrom {}

    @Command(name = "openmetrics", description = "Import samples from OpenMetrics input and produce TSDB blocks.")
    static final class OpenMetrics implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "input file")
        Path input;

        @Parameters(index = "1", paramLabel = "output directory", defaultValue = "data/")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            byte[] buf = Files.readAllBytes(input);
            OpenMetricsParser parser = new OpenMetricsParser();
            parser.reset(buf, 0, buf.length);
            Map<Labels, long[]> times = new TreeMap<>();
            Map<Labels, double[]> values = new TreeMap<>();
            Map<Labels, int[]> counts = new TreeMap<>();
            LabelsBuilder b = new LabelsBuilder();
            try {
                for (ExpositionParser.Entry en = parser.next(); en != ExpositionParser.Entry.END; en = parser.next()) {
                    if (en != ExpositionParser.Entry.SAMPLE) {
                        continue;
                    }
                    if (!parser.hasTimestamp()) {
                        throw new ParseException(parser.line(), "sample without timestamp");
                    }
                    b.reset();
                    parser.labels(b);
                    Labels l = b.build();
                    int[] n = counts.computeIfAbsent(l, k -> new int[1]);
                    long[] ts = times.computeIfAbsent(l, k -> new long[16]);
                    double[] vs = values.computeIfAbsent(l, k -> new double[16]);
                    if (n[0] == ts.length) {
                        ts = Arrays.copyOf(ts, n[0] * 2);
                        vs = Arrays.copyOf(vs, n[0] * 2);
                        times.put(l, ts);
                        values.put(l, vs);
                    }
                    ts[n[0]] = parser.timestampMillis();
                    vs[n[0]] = parser.value();
                    n[0]++;
                }
            } catch (ParseException e) {
                spec.commandLine().getErr().println("sextant: error: " + input + ": " + e.getMessage());
                return 1;
            }
            long mint = Long.MAX_VALUE;
            long maxt = Long.MIN_VALUE;
            for (Map.Entry<Labels, long[]> e : times.entrySet()) {
                int n = counts.get(e.getKey())[0];
                mint = Math.min(mint, e.getValue()[0]);
                maxt = Math.max(maxt, e.getValue()[n - 1]);
            }
            Files.createDirectories(output);
            PrintWriter out = spec.commandLine().getOut();
            if (times.isEmpty()) {
                out.println("no samples in " + input);
                out.flush();
                return 0;
            }
            // One block per 2h range, aligned like Prometheus's head blocks.
            for (long start = Math.floorDiv(mint, BLOCK_RANGE) * BLOCK_RANGE; start <= maxt; start += BLOCK_RANGE) {
                long end = start + BLOCK_RANGE;
                List<SeriesChunks> series = new ArrayList<>();
                for (Map.Entry<Labels, long[]> e : times.entrySet()) {
                    long[] ts = e.getValue();
                    double[] vs = values.get(e.getKey());
                    int n = counts.get(e.getKey())[0];
                    List<ChunkMeta> chunks = new ArrayList<>();
                    XorChunk c = null;
                    XorAppender app = null;
                    long cMin = 0;
                    long cMax = 0;
                    for (int i = 0; i < n; i++) {
                        if (ts[i] < start || ts[i] >= end) {
                            continue;
                        }
                        if (c == null) {
                            c = new XorChunk();
                            app = c.appender();
                            cMin = ts[i];
                        }
                        app.append(ts[i], vs[i]);
                        cMax = ts[i];
                        if (app.count() >= 120) {
                            chunks.add(new ChunkMeta(cMin, cMax, c.bytes()));
                            c = null;
                        }
                    }
                    if (c != null) {
                        chunks.add(new ChunkMeta(cMin, cMax, c.bytes()));
                    }
                    if (!chunks.isEmpty()) {
                        series.add(new SeriesChunks(e.getKey(), chunks));
                    }
                }
                BlockMeta meta = BlockWriter.write(output, start, end, series.iterator(), BlockWriter.Origin.head(),
                        System.currentTimeMillis(), 120);
                if (meta != null) {
                    out.printf("BLOCK %s  MIN TIME %d  MAX TIME %d  NUM SAMPLES %d  NUM SERIES %d%n", meta.ulid(),
                            meta.minTime(), meta.maxTime(), meta.numSamples(), meta.numSeries());
                }
            }
            out.flush();
            return 0;
        }
    }

    /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, as promtool's dump prints values. */
    static String goFloat(double v) {
        return dev.sextant.api.json.PromFormat.goG(v);
    }
}
