package dev.sextant.bench.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an OpenMetrics 1.0 file for backfilling ({@code promtool tsdb create-blocks-from openmetrics},
 * {@code sextant tsdb create-blocks-from openmetrics}): the {@link SeriesModel} population (8 labels,
 * 100 families: counters with small increments, gauges with two decimals, classic histograms), each
 * series with {@code samples} points {@code interval} apart ending at {@code end-ms}.
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.OpenMetricsFile --out=data.om --series=23000
 * --samples=960 [--interval=15s] [--end-ms=...] [--seed=1]}
 *
 * <p>Layout, as the format requires: families are not interleaved (HELP and TYPE, then every series
 * of the family); within a family, one target's series at a time, in time order; a histogram's
 * buckets, {@code _sum} and {@code _count} of one timestamp are written together (one MetricPoint).
 * Counters are exposed as family {@code x} with samples {@code x_total}. Timestamps are seconds with
 * millisecond precision. The file ends with {@code # EOF}.
 *
 * <p>Memory: every value of every step is computed first ({@code series × samples} doubles), so the
 * output can be written family by family; 23,000 × 960 is 177 MB.
 */
public final class OpenMetricsFile {
    private OpenMetricsFile() {}

    /** Summary of a written file. */
    public record Written(long samples, long bytes, long firstMs, long lastMs) {}

    public static void main(String[] argv) throws IOException {
        Args a = new Args(argv, "out", "series", "samples", "interval", "end-ms", "seed");
        int series = a.getInt("series", 23_000);
        int samples = a.getInt("samples", 960);
        long interval = a.getMillis("interval", 15_000);
        long end = a.getLong("end-ms", System.currentTimeMillis() / interval * interval);
        long seed = a.getLong("seed", 1);
        Path out = Path.of(a.get("out", "backfill.om"));
        long t0 = System.nanoTime();
        Written w;
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            w = write(os, series, samples, interval, end, seed);
        }
        System.out.printf("wrote %s: %d series x %d samples = %d samples, %d bytes (%.1f bytes/sample), %d..%d ms, in %.1f s%n",
                out, series, samples, w.samples(), w.bytes(), (double) w.bytes() / w.samples(), w.firstMs(), w.lastMs(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** Writes the file to {@code os} (not closed). */
    public static Written write(OutputStream os, int series, int samples, long interval, long endMs, long seed)
            throws IOException {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive: " + samples);
        }
        if ((long) series * samples > 250_000_000L) {
            throw new IllegalArgumentException("series x samples above 250M: " + series + " x " + samples);
        }
        SeriesModel m = new SeriesModel(series, seed);
        double[] v = new double[series * samples];
        for (int step = 0; step < samples; step++) {
            if (step > 0) {
                m.advance();
            }
            for (int s = 0; s < series; s++) {
                v[step * series + s] = m.value(s);
            }
        }
        long firstMs = endMs - (long) (samples - 1) * interval;
        // Group: a family's series in model order; within a family, consecutive series of one target
        // (one series, or a histogram's buckets + _sum + _count) form a group written per timestamp.
        Map<String, List<int[]>> families = new LinkedHashMap<>();
        Map<String, SeriesModel.Kind> kinds = new LinkedHashMap<>();
        int s = 0;
        while (s < series) {
            String fam = family(m, s);
            int e = s + 1;
            if (m.kind(s) == SeriesModel.Kind.BUCKET) {
                while (e < series && m.kind(e) == SeriesModel.Kind.BUCKET && family(m, e).equals(fam)
                        && bucketIndex(m, e) > bucketIndex(m, e - 1)) {
                    e++;
                }
                if (e < series && m.kind(e) == SeriesModel.Kind.HIST_SUM && family(m, e).equals(fam)) {
                    e++;
                }
                if (e < series && m.kind(e) == SeriesModel.Kind.HIST_COUNT && family(m, e).equals(fam)) {
                    e++;
                }
            }
            families.computeIfAbsent(fam, k -> new ArrayList<>()).add(new int[] {s, e});
            kinds.putIfAbsent(fam, m.kind(s));
            s = e;
        }
        Counting out = new Counting(os);
        byte[][] prefixes = new byte[series][];
        for (int i = 0; i < series; i++) {
            prefixes[i] = prefix(m.labels(i)).getBytes(StandardCharsets.UTF_8);
        }
        byte[] num = new byte[64];
        long written = 0;
        for (Map.Entry<String, List<int[]>> f : families.entrySet()) {
            SeriesModel.Kind k = kinds.get(f.getKey());
            String type = switch (k) {
                case COUNTER -> "counter";
                case GAUGE -> "gauge";
                default -> "histogram";
            };
            out.ascii("# HELP " + f.getKey() + " Simulated " + type + ".\n# TYPE " + f.getKey() + " " + type + "\n");
            for (int[] g : f.getValue()) {
                for (int step = 0; step < samples; step++) {
                    long ts = firstMs + step * interval;
                    for (int i = g[0]; i < g[1]; i++) {
                        out.write(prefixes[i]);
                        out.write(num, 0, formatValue(v[step * series + i], num));
                        out.write(' ');
                        out.write(num, 0, formatSeconds(ts, num));
                        out.write('\n');
                        written++;
                    }
                }
            }
        }
        out.ascii("# EOF\n");
        out.flush();
        return new Written(written, out.count, firstMs, endMs);
    }

    private static int bucketIndex(SeriesModel m, int s) {
        String le = m.labels(s)[11];
        for (int i = 0; i < SeriesModel.BUCKETS.length; i++) {
            if (SeriesModel.BUCKETS[i].equals(le)) {
                return i;
            }
        }
        throw new IllegalStateException("no bucket " + le);
    }

    /** OpenMetrics family name: counters without {@code _total}, histograms without the suffix. */
    static String family(SeriesModel m, int s) {
        String name = m.labels(s)[1];
        return switch (m.kind(s)) {
            case COUNTER -> name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            case BUCKET -> name.substring(0, name.length() - "_bucket".length());
            case HIST_SUM -> name.substring(0, name.length() - "_sum".length());
            case HIST_COUNT -> name.substring(0, name.length() - "_count".length());
            case GAUGE -> name;
        };
    }

    /** {@code name{l="v",...} } with every label of the model (job and instance included). */
    private static String prefix(String[] l) {
        StringBuilder sb = new StringBuilder(l[1]).append('{');
        for (int i = 2; i < l.length; i += 2) {
            sb.append(i == 2 ? "" : ",").append(l[i]).append("=\"").append(l[i + 1]).append('"');
        }
        return sb.append("} ").toString();
    }

    /** Integral values as integers, others with Java's shortest round-trip text. */
    static int formatValue(double v, byte[] out) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return formatLong((long) v, out, 0);
        }
        String s = Double.toString(v);
        for (int i = 0; i < s.length(); i++) {
            out[i] = (byte) s.charAt(i);
        }
        return s.length();
    }

    /** Milliseconds as seconds with three decimals: {@code 1700000000.015}. */
    static int formatSeconds(long ms, byte[] out) {
        int n = formatLong(Math.floorDiv(ms, 1000), out, 0);
        long frac = Math.floorMod(ms, 1000);
        out[n++] = '.';
        out[n++] = (byte) ('0' + frac / 100);
        out[n++] = (byte) ('0' + frac / 10 % 10);
        out[n++] = (byte) ('0' + frac % 10);
        return n;
    }

    private static int formatLong(long x, byte[] out, int at) {
        if (x < 0) {
            out[at++] = '-';
            x = -x;
        }
        int start = at;
        do {
            out[at++] = (byte) ('0' + x % 10);
            x /= 10;
        } while (x != 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return at;
    }

    /** Counts bytes written. */
    private static final class Counting extends OutputStream {
        private final OutputStream os;
        long count;

        Counting(OutputStream os) {
            this.os = os;
        }

        @Override
        public void write(int b) throws IOException {
            os.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            os.write(b, off, len);
            count += len;
        }

        void ascii(String s) throws IOException {
            write(s.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void flush() throws IOException {
            os.flush();
        }
    }
}
