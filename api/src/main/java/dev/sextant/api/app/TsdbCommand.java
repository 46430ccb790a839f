package dev.sextant.api.app;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.ParseException;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockAnalyzer;
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
        subcommands = {TsdbCommand.Analyze.class, TsdbCommand.ListBlocks.class, TsdbCommand.Dump.class,
                TsdbCommand.CreateBlocksFrom.class, TsdbBenchCommand.class})
final class TsdbCommand {
    static final long BLOCK_RANGE = 2 * 3600_000L;
    /** The backfill reads its input into one array. */
    static final long MAX_INPUT_BYTES = Integer.MAX_VALUE - 8;

    /** {@code sextant tsdb analyze [--limit=20] [--extended] [<db path>] [<block id>]}, like promtool's. */
    @Command(name = "analyze", description = "Analyze churn, label pair cardinality and compaction efficiency.")
    static final class Analyze implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "db path", defaultValue = "data/", description = "Database path (default is data/).")
        Path dir;

        @Parameters(index = "1", paramLabel = "block id", defaultValue = "",
                description = "Block to analyze (default is the last block).")
        String blockId;

        @Option(names = "--limit", defaultValue = "20", description = "How many items to show in each list.")
        int limit;

        @Option(names = "--extended", description = "Run extended analysis.")
        boolean extended;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            BlockAnalyzer.Report r;
            try {
                r = BlockAnalyzer.analyze(dir, blockId, extended);
            } catch (java.io.IOException | RuntimeException e) {
                spec.commandLine().getErr().println("sextant: error: " + e.getMessage());
                return 1;
            }
            BlockAnalyzer.print(r, limit, extended, spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code sextant tsdb list [-r] [<db path>]}: the blocks of a data directory, like promtool's. */
    @Command(name = "list", description = "List tsdb blocks.")
    static final class ListBlocks implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "db path", defaultValue = "data/")
        Path dir;

        @Option(names = {"-r", "--human-readable"}, description = "Print human readable values.")
        boolean human;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<BlockMeta> blocks;
            try {
                blocks = BlockAnalyzer.listBlocks(dir);
            } catch (java.io.IOException | RuntimeException e) {
                spec.commandLine().getErr().println("sextant: error: " + e.getMessage());
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(blockTable(dir, blocks, human));
            out.flush();
            return 0;
        }
    }

    /** The block table of promtool's {@code tsdb list} (and of its backfill's report). */
    static String blockTable(Path dir, List<BlockMeta> blocks, boolean human) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS",
            "NUM SERIES", "SIZE"});
        for (BlockMeta m : blocks) {
            rows.add(new String[] {m.ulid(), blockTime(m.minTime(), human), blockTime(m.maxTime(), human),
                BlockAnalyzer.goDuration((m.maxTime() - m.minTime()) * 1_000_000L), Long.toString(m.numSamples()),
                Long.toString(m.numChunks()), Long.toString(m.numSeries()), blockSize(dir.resolve(m.ulid()), human)});
        }
        return tabulate(rows);
    }

    private static String blockTime(long ms, boolean human) {
        if (!human) {
            return Long.toString(ms);
        }
        // Go's time.Time.String() of the whole seconds, in UTC: 2023-11-14 22:13:20 +0000 UTC
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(java.time.Instant.ofEpochSecond(Math.floorDiv(ms, 1000)).atZone(java.time.ZoneOffset.UTC))
                + " +0000 UTC";
    }

    private static String blockSize(Path block, boolean human) {
        long n = 0;
        try (java.util.stream.Stream<Path> s = Files.walk(block)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    n += Files.size(p);
                }
            }
        } catch (java.io.IOException e) {
            return "?";
        }
        return human ? humanBytes(n) : Long.toString(n);
    }

    /**
     * Sizes as promtool's {@code list -r} prints them (Go's {@code units.Base2Bytes}): each non-zero
     * power-of-1024 part from the largest down, {@code 4KiB512B}, {@code 1MiB5B}.
     */
    static String humanBytes(long n) {
        if (n <= 0) {
            return "0B";
        }
        String[] units = {"EiB", "PiB", "TiB", "GiB", "MiB", "KiB", "B"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (units.length - 1 - i));
            if (n >= unit) {
                sb.append(n / unit).append(units[i]);
                n %= unit;
            }
        }
        return sb.toString();
    }

    /**
     * Go's {@code text/tabwriter} as promtool sets it up (minimum width 13, padding 2, no flags):
     * each cell but the last of a line is padded with spaces to its column's widest cell plus two,
     * and to at least 13.
     */
    static String tabulate(List<String[]> rows) {
        int cols = 0;
        for (String[] r : rows) {
            cols = Math.max(cols, r.length);
        }
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < r.length - 1; i++) {
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    int cell = Math.max(13, width[i] + 2);
                    sb.append(" ".repeat(cell - r[i].codePointCount(0, r[i].length())));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

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
            if (!Files.isRegularFile(input)) {
                spec.commandLine().getErr().println("sextant: error: " + input + ": not a readable file");
                return 1;
            }
            if (Files.size(input) > MAX_INPUT_BYTES) {
                spec.commandLine().getErr().println("sextant: error: " + input + ": " + Files.size(input)
                        + " bytes; inputs up to " + MAX_INPUT_BYTES + " bytes (2 GiB) are supported, split it into"
                        + " several files (each a whole OpenMetrics document ending in # EOF)");
                return 1;
            }
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
            // One block per 2h range, aligned like Prometheus's head blocks; like promtool's, each
            // block's time range is that of its samples (first, last + 1 ms). Within a range, a
            // series keeps a sample only if it is newer than the one kept before it, in file order:
            // promtool's head drops the others (out of order, or a second value for a timestamp).
            List<BlockMeta> written = new ArrayList<>();
            long dropped = 0;
            for (long start = Math.floorDiv(mint, BLOCK_RANGE) * BLOCK_RANGE; start <= maxt; start += BLOCK_RANGE) {
                long end = start + BLOCK_RANGE;
                List<SeriesChunks> series = new ArrayList<>();
                long blockMin = Long.MAX_VALUE;
                long blockMax = Long.MIN_VALUE;
                for (Map.Entry<Labels, long[]> e : times.entrySet()) {
                    long[] ts = e.getValue();
                    double[] vs = values.get(e.getKey());
                    int n = counts.get(e.getKey())[0];
                    List<ChunkMeta> chunks = new ArrayList<>();
                    XorChunk c = null;
                    XorAppender app = null;
                    long cMin = 0;
                    long cMax = 0;
                    long last = Long.MIN_VALUE;
                    for (int i = 0; i < n; i++) {
                        if (ts[i] < start || ts[i] >= end) {
                            continue;
                        }
                        if (ts[i] <= last) {
                            dropped++;
                            continue;
                        }
                        last = ts[i];
                        blockMin = Math.min(blockMin, ts[i]);
                        blockMax = Math.max(blockMax, ts[i]);
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
                if (series.isEmpty()) {
                    continue;
                }
                BlockMeta meta = BlockWriter.write(output, blockMin, blockMax + 1, series.iterator(),
                        BlockWriter.Origin.head(), System.currentTimeMillis(), 120);
                if (meta != null) {
                    written.add(meta);
                }
            }
            out.print(blockTable(output, written, false));
            out.flush();
            if (dropped > 0) {
                spec.commandLine().getErr().println("sextant: warning: " + input + ": " + dropped
                        + " samples dropped: not newer than the sample before them in their series and block range");
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}, as promtool's dump prints values. */
    static String goFloat(double v) {
        return dev.sextant.api.json.PromFormat.goG(v);
    }
}
