package dev.sextant.api.app;

import dev.sextant.api.json.PromFormat;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.block.BlockAnalyzer;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.storage.Appender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sextant tsdb bench write}: the same write benchmark as {@code promtool tsdb bench write}, so
 * the two can be compared like for like on one machine. Same flags, same input file, same work:
 *
 * <ul>
 *   <li>the first {@code --metrics} distinct label sets of a JSON-lines file of label maps, read the
 *       way promtool reads them (quotes and braces dropped, pairs split at {@code ,}, name and value
 *       at {@code :}, so a value must hold neither);</li>
 *   <li>a fresh TSDB in {@code <out>/storage} (WAL on, 15d retention, 2h blocks, no compaction;
 *       WAL records uncompressed, as promtool's {@code tsdb.Options} leave {@code WALCompression}
 *       off, unlike the server's {@code --storage.tsdb.wal-compression}; {@code --wal-compression}
 *       measures the server's setting);</li>
 *   <li>rounds of 100 scrapes: in each round the series are cut into shards of 1,000, and each
 *       shard appends 100 scrapes of its series, one commit per scrape, each scrape 30 s after the
 *       previous one (the round starts at {@code 30 s × round offset}); every value starts at
 *       123456789 and grows by 1000 per scrape; appends pass the ref returned by the first one.
 *       After its first append a series' labels are the head's own {@code Labels} instance
 *       ({@code storedLabels}): promtool's head keeps the very label slice the benchmark passed,
 *       so the label lookup at the start of each round compares memory with itself; Sextant's
 *       head interns its own copy, and comparing two copies string by string (cold in cache)
 *       was a third of the ingest stage's CPU. The scrape cache keeps the head's labels the same way.
 *       {@code --scrapes} is rounded up to a multiple of 100, as promtool's loop does;</li>
 *   <li>the shards of a round run in parallel on {@code --threads} threads (promtool runs one
 *       goroutine per shard, so {@code GOMAXPROCS} plays this part); promtool has no such flag.</li>
 * </ul>
 *
 * It prints promtool's lines: the stages with their durations, total samples and samples/s of the
 * ingest stage (which includes the WAL writes; closing the storage is its own stage).
 *
 * <p>{@code --warmup-scrapes=N} (default 0) adds a {@code warmup} stage before the measured one: the
 * same ingestion of N scrapes into a throwaway TSDB ({@code <out>/warmup}, deleted afterwards), so
 * the measured stage runs JIT-compiled code, as a long-running server does. The default measures from
 * a cold JVM, as promtool's (compiled ahead of time) figure is; on two threads the JIT's compiler
 * threads then compete with the appenders for the machine's cores during most of the stage.
 */
@Command(name = "bench", description = "Run benchmarks.", subcommands = TsdbBenchCommand.Write.class)
final class TsdbBenchCommand {
    static final long TIME_DELTA = 30_000;
    static final int SHARD = 1000;
    static final int SCRAPES_PER_ROUND = 100;

    private TsdbBenchCommand() {}

    @Command(name = "write", description = "Run a write performance benchmark.")
    static final class Write implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "benchout", description = "Set the output path.")
        Path out;

        @Option(names = "--metrics", defaultValue = "10000", description = "Number of metrics to read.")
        int metrics;

        @Option(names = "--scrapes", defaultValue = "3000", description = "Number of scrapes to simulate.")
        int scrapes;

        @Option(names = "--threads", defaultValue = "0",
                description = "Threads that run the shards of a round (default: the available processors).")
        int threads;

        @Option(names = "--wal-compression", negatable = true, defaultValue = "false",
                description = "Snappy-compress WAL records, as the server does by default (promtool's bench does not).")
        boolean walCompression;

        @Option(names = "--warmup-scrapes", defaultValue = "0",
                description = "Before the measured stage, ingest this many scrapes (rounded up to hundreds) into a "
                        + "throwaway TSDB, so the JIT has compiled the append path (promtool has no such stage; "
                        + "default 0: measure from a cold JVM, like for like).")
        int warmupScrapes;

        @Parameters(index = "0", arity = "0..1", paramLabel = "file", defaultValue = "../../tsdb/testdata/20kseries.json",
                description = "Input file with samples data, default is (../../tsdb/testdata/20kseries.json).")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter o = spec.commandLine().getOut();
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            try {
                deleteRecursively(out);
                Files.createDirectories(out);
            } catch (IOException e) {
                spec.commandLine().getErr().println("sextant: error: " + e.getMessage());
                return 1;
            }
            TsdbOptions opts = TsdbOptions.defaults().withRetention(TsdbOptions.DEFAULT_RETENTION)
                    .withBlockRange(2 * 3600_000L).withBackgroundCompaction(false)
                    .withWalCompression(walCompression);
            List<Labels> labels;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try (Tsdb db = Tsdb.open(out.resolve("storage"), opts)) {
                long t0 = start(o, "readData");
                try {
                    labels = readPrometheusLabels(file, metrics);
                } catch (IOException | IllegalArgumentException e) {
                    spec.commandLine().getErr().println("sextant: error: " + e.getMessage());
                    return 1;
                }
                completed(o, "readData", t0);

                if (warmupScrapes > 0) {
                    t0 = start(o, "warmup");
                    Path w = out.resolve("warmup");
                    try (Tsdb wdb = Tsdb.open(w, opts)) {
                        long wn = ingestScrapes(wdb, labels, warmupScrapes, pool);
                        o.println(" > warm-up samples: " + wn);
                    }
                    deleteRecursively(w);
                    completed(o, "warmup", t0);
                }

                t0 = start(o, "ingestScrapes");
                long total = ingestScrapes(db, labels, scrapes, pool);
                o.println("ingestion completed");
                long dur = completed(o, "ingestScrapes", t0);
                o.println(" > total samples: " + total);
                o.println(" > samples/sec: " + PromFormat.goG(total / (dur / 1e9)));
                o.flush();
                t0 = start(o, "stopStorage");
                db.close();
                completed(o, "stopStorage", t0);
            } finally {
                pool.shutdownNow();
            }
            o.flush();
            return 0;
        }
    }

    static long ingestScrapes(Tsdb db, List<Labels> labels, int scrapes, ExecutorService pool) throws Exception {
        int shards = (labels.size() + SHARD - 1) / SHARD;
        Shard[] all = new Shard[shards];
        for (int s = 0; s < shards; s++) {
            all[s] = new Shard(labels.subList(s * SHARD, Math.min(labels.size(), (s + 1) * SHARD)));
        }
        long total = 0;
        List<Future<Long>> running = new ArrayList<>(shards);
        for (int i = 0; i < scrapes; i += SCRAPES_PER_ROUND) {
            long base = TIME_DELTA * i;
            running.clear();
            for (Shard sh : all) {
                running.add(pool.submit(() -> sh.ingest(db, SCRAPES_PER_ROUND, base)));
            }
            for (Future<Long> f : running) {
                total += f.get();
            }
        }
        return total;
    }

    /**
     * One shard's series. Promtool builds its per-shard state afresh in every round (values restart at
     * 123456789, refs are looked up again on the first append); this keeps the same semantics.
     */
    static final class Shard {
        final Labels[] labels;
        final long[] refs;
        final long[] values;

        Shard(List<Labels> labels) {
            this.labels = labels.toArray(new Labels[0]);
            this.refs = new long[this.labels.length];
            this.values = new long[this.labels.length];
        }

        long ingest(Tsdb db, int scrapeCount, long base) {
            java.util.Arrays.fill(refs, 0);
            java.util.Arrays.fill(values, 123456789L);
            long ts = base;
            long total = 0;
            for (int i = 0; i < scrapeCount; i++) {
                Appender app = db.appender();
                ts += TIME_DELTA;
                for (int s = 0; s < labels.length; s++) {
                    values[s] += 1000;
                    long ref = app.append(refs[s], labels[s], ts, (double) values[s]);
                    if (refs[s] == 0) {
                        refs[s] = ref;
                        // Keep the head's own instance (see the class comment), as the scrape cache does.
                        Labels stored = app.storedLabels(ref);
                        if (stored != null) {
                            labels[s] = stored;
                        }
                    }
                    total++;
                }
                app.commit();
            }
            return total;
        }
    }

    /**
     * Reads up to {@code n} distinct label sets the way promtool's {@code readPrometheusLabels} does:
     * per line, {@code "}, <code>{</code> and <code>}</code> are removed, the rest is split at
     * {@code ,} into pairs and each pair at {@code :} into name and value (text after a second
     * {@code :} is dropped); duplicate label sets are skipped.
     */
    static List<Labels> readPrometheusLabels(Path file, int n) throws IOException {
        List<Labels> out = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        LabelsBuilder b = new LabelsBuilder();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while (out.size() < n && (line = r.readLine()) != null) {
                lineNo++;
                String s = line.replace("\"", "").replace("{", "").replace("}", "");
                b.reset();
                for (String pair : s.split(",", -1)) {
                    String[] nv = pair.split(":", -1);
                    if (nv.length < 2) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": not a label pair: \"" + pair + "\"");
                    }
                    b.set(nv[0], nv[1]);
                }
                Labels l = b.build();
                if (seen.add(l)) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    private static long start(PrintWriter o, String stage) {
        o.println(">> start stage=" + stage);
        o.flush();
        return System.nanoTime();
    }

    private static long completed(PrintWriter o, String stage, long t0) {
        long d = System.nanoTime() - t0;
        o.println(">> completed stage=" + stage + " duration=" + BlockAnalyzer.goDuration(d));
        o.flush();
        return d;
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
