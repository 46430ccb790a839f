package dev.sextant.tsdb.block;

import dev.sextant.tsdb.index.BlockIndex;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.query.ByteScratch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code promtool tsdb analyze} reports about one persisted block: churn per label pair and
 * label name (how much of the block's time range the series carrying them leave uncovered, in
 * multiples of the range), the most common label pairs, label-value lengths and cardinalities,
 * series per metric name, and with {@code extended} the chunk-fullness histogram.
 *
 * <p>Read-only: blocks are opened directly from their directories, without the WAL or the lock, so
 * it runs beside a live server. Output follows promtool's lines; entries with equal figures, which
 * promtool prints in no defined order, are printed here by key.
 */
public final class BlockAnalyzer {
    /** promtool's fullness reference: a chunk of 120 samples is 100 % full. */
    static final int MAX_SAMPLES_PER_CHUNK = 120;
    static final int BUCKETS = 10;

    private BlockAnalyzer() {}

    /** One line of a ranked list: a label pair, label name or metric name and its figure. */
    public record Entry(String key, long metric) {}

    /** The figures of one block, as promtool prints them. */
    public record Report(BlockMeta meta, int labelNames, int uniquePairs, long pairEntries,
            List<Entry> pairChurn, List<Entry> nameChurn, List<Entry> commonPairs, List<Entry> valueLengths,
            List<Entry> labelCardinality, List<Entry> metricCardinality, int[] fullness, long chunks) {}

    /**
     * Lists the blocks of a data directory (directories with a ULID name and a meta.json), sorted
     * by minimum time like Prometheus's {@code db.Blocks()}. Half-written ({@code .tmp}) directories
     * and blocks set aside are not listed.
     */
    public static List<BlockMeta> listBlocks(Path dataDir) throws IOException {
        List<BlockMeta> out = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            throw new IOException("no such data directory: " + dataDir);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && Ulid.isValid(p.getFileName().toString())
                        && Files.isRegularFile(p.resolve("meta.json"))) {
                    out.add(BlockMeta.read(p));
                }
            }
        }
        out.sort((a, b) -> a.minTime() != b.minTime() ? Long.compare(a.minTime(), b.minTime())
                : a.ulid().compareTo(b.ulid()));
        return out;
    }

    /**
     * Analyzes block {@code blockId} of {@code dataDir}, or the last block (highest minimum time)
     * when {@code blockId} is empty or null.
     *
     * @throws IOException with promtool's text {@code block <id> not found} when there is no such block
     */
    public static Report analyze(Path dataDir, String blockId, boolean extended) throws IOException {
        List<BlockMeta> blocks = listBlocks(dataDir);
        BlockMeta chosen = null;
        if (blockId != null && !blockId.isEmpty()) {
            for (BlockMeta m : blocks) {
                if (m.ulid().equals(blockId)) {
                    chosen = m;
                }
            }
        } else if (!blocks.isEmpty()) {
            chosen = blocks.get(blocks.size() - 1);
        }
        if (chosen == null) {
            throw new IOException("block " + (blockId == null ? "" : blockId) + " not found");
        }
        return analyze(Block.open(dataDir.resolve(chosen.ulid())), extended);
    }

    /** Analyzes one opened block. */
    public static Report analyze(Block block, boolean extended) {
        BlockMeta meta = block.meta();
        BlockIndex index = block.index();
        long range = meta.maxTime() - meta.minTime();
        Map<String, long[]> nameUncovered = new HashMap<>();
        Map<String, long[]> pairUncovered = new HashMap<>();
        Map<String, long[]> pairCount = new HashMap<>();
        long entries = 0;
        int[] fullness = new int[BUCKETS];
        long chunkCount = 0;
        LabelsBuilder lb = new LabelsBuilder();
        ByteScratch scratch = new ByteScratch();
        long[] refs = index.allPostings();
        for (long ref : refs) {
            BlockIndex.SeriesEntry e = index.series(ref, lb);
            long[] c = e.chunks();
            if (c.length == 0) {
                continue;
            }
            // Part of the block's range this series does not cover: first chunk start to last chunk end.
            long uncovered = range - (c[c.length - 2] - c[0]);
            Labels l = e.labels();
            for (int i = 0; i < l.size(); i++) {
                String name = l.name(i);
                String pair = name + "=" + l.value(i);
                add(nameUncovered, name, uncovered);
                add(pairUncovered, pair, uncovered);
                add(pairCount, pair, 1);
                entries++;
            }
            if (extended) {
                for (int k = 0; k < c.length; k += 3) {
                    block.loadChunk(c[k + 2], scratch);
                    int samples = scratch.len < 2 ? 0 : ((scratch.b[0] & 0xFF) << 8) | (scratch.b[1] & 0xFF);
                    double size = Math.min(samples, MAX_SAMPLES_PER_CHUNK);
                    int bucket = Math.max(0, (int) Math.ceil(BUCKETS * size / MAX_SAMPLES_PER_CHUNK) - 1);
                    fullness[bucket]++;
                    chunkCount++;
                }
            }
        }
        List<Entry> pairChurn = ranked(pairUncovered, range);
        List<Entry> nameChurn = ranked(nameUncovered, range);
        List<Entry> common = ranked(pairCount, 0);
        List<String> names = index.labelNames();
        List<Entry> lengths = new ArrayList<>();
        List<Entry> cardinality = new ArrayList<>();
        for (String n : names) {
            List<String> values = index.labelValues(n);
            long len = 0;
            for (String v : values) {
                len += v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
            lengths.add(new Entry(n, len));
            cardinality.add(new Entry(n, values.size()));
        }
        List<Entry> metrics = new ArrayList<>();
        for (String v : index.labelValues("__name__")) {
            metrics.add(new Entry(v, index.postings("__name__", v).length));
        }
        sort(lengths);
        sort(cardinality);
        sort(metrics);
        return new Report(meta, names.size(), pairUncovered.size(), entries, pairChurn, nameChurn, common, lengths,
                cardinality, metrics, fullness, chunkCount);
    }

    private static void add(Map<String, long[]> m, String key, long delta) {
        long[] v = m.get(key);
        if (v == null) {
            v = new long[1];
            m.put(key, v);
        }
        v[0] += delta;
    }

    /** Entries of {@code m}; with a {@code divisor} > 0, each sum becomes whole multiples of it (truncated). */
    private static List<Entry> ranked(Map<String, long[]> m, long divisor) {
        List<Entry> out = new ArrayList<>(m.size());
        for (Map.Entry<String, long[]> e : m.entrySet()) {
            long v = e.getValue()[0];
            out.add(new Entry(e.getKey(), divisor > 0 ? (long) ((double) v / (double) divisor) : v));
        }
        sort(out);
        return out;
    }

    private static void sort(List<Entry> l) {
        l.sort((a, b) -> a.metric() != b.metric() ? Long.compare(b.metric(), a.metric()) : a.key().compareTo(b.key()));
    }

    /** Prints {@code r} in promtool's layout, each list cut at {@code limit} lines. */
    public static void print(Report r, int limit, boolean extended, PrintWriter out) {
        BlockMeta meta = r.meta();
        out.println("Block ID: " + meta.ulid());
        out.println("Duration: " + goDuration((meta.maxTime() - meta.minTime()) * 1_000_000L));
        out.println("Series: " + meta.numSeries());
        out.println("Label names: " + r.labelNames());
        out.println("Postings (unique label pairs): " + r.uniquePairs());
        out.println("Postings entries (total label pairs): " + r.pairEntries());
        section(out, "Label pairs most involved in churning:", r.pairChurn(), limit);
        section(out, "Label names most involved in churning:", r.nameChurn(), limit);
        section(out, "Most common label pairs:", r.commonPairs(), limit);
        section(out, "Label names with highest cumulative label value length:", r.valueLengths(), limit);
        section(out, "Highest cardinality labels:", r.labelCardinality(), limit);
        section(out, "Highest cardinality metric names:", r.metricCardinality(), limit);
        if (extended) {
            out.println();
            out.println("Compaction analysis:");
            out.println("Fullness: Amount of samples in chunks (100% is " + MAX_SAMPLES_PER_CHUNK + " samples)");
            for (int b = 0; b < BUCKETS; b++) {
                long pct = r.chunks() == 0 ? 0 : 100L * r.fullness()[b] / r.chunks();
                out.print(String.format("%7d%%: ", (b + 1) * 10));
                out.println("#".repeat((int) pct));
            }
        }
        out.flush();
    }

    private static void section(PrintWriter out, String title, List<Entry> entries, int limit) {
        out.println();
        out.println(title);
        for (int i = 0; i < entries.size() && i < limit; i++) {
            out.println(entries.get(i).metric() + " " + entries.get(i).key());
        }
    }

    /** Go's {@code time.Duration.String()} of {@code nanos}: {@code 2h0m0s}, {@code 1h59m30.001s}, {@code 500ms}. */
    public static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        // Work on the magnitude as unsigned so Long.MIN_VALUE prints like Go.
        boolean neg = nanos < 0;
        long u = neg ? -nanos : nanos;
        if (neg) {
            sb.append('-');
        }
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            String unit;
            long div;
            if (u < 1_000L) {
                return sb.append(u).append("ns").toString();
            } else if (u < 1_000_000L) {
                unit = "µs";
                div = 1_000L;
            } else {
                unit = "ms";
                div = 1_000_000L;
            }
            appendFraction(sb, u / div, u % div, div);
            return sb.append(unit).toString();
        }
        long secs = Long.divideUnsigned(u, 1_000_000_000L);
        long frac = Long.remainderUnsigned(u, 1_000_000_000L);
        long h = secs / 3600;
        long m = secs / 60 % 60;
        long s = secs % 60;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        appendFraction(sb, s, frac, 1_000_000_000L);
        return sb.append('s').toString();
    }

    private static void appendFraction(StringBuilder sb, long whole, long frac, long div) {
        sb.append(whole);
        if (frac == 0) {
            return;
        }
        StringBuilder f = new StringBuilder(Long.toString(frac + div).substring(1));
        while (f.charAt(f.length() - 1) == '0') {
            f.setLength(f.length() - 1);
        }
        sb.append('.').append(f);
    }
}
