package dev.sextant.bench.load;

import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.mem.MemoryTag;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Memory per active series of a Sextant head, measured from the process's own RSS: opens a
 * {@link Tsdb} in a fresh directory (WAL on, default options: background compaction on, 15d
 * retention), appends {@code --series} {@link SeriesModel} series × {@code --samples} samples
 * {@code --interval} apart ending now, round by round (one sample of every series per round, in
 * commits of {@code --batch} series, as a remote-write receiver or a scrape loop would), then
 * drops its own copy of the data (the model and label arrays), runs a full GC, waits
 * {@code --settle}, and prints one JSON object: {@code VmRSS}, {@code VmHWM}, {@code RssAnon},
 * {@code RssFile} from {@code /proc/self/status}, heap used and committed after the GC, tsdb.mem's
 * off-heap counters per tag, NIO buffer pools, and each of them per series. With
 * {@code --hold=N} it then sleeps N seconds so {@code jcmd <pid> GC.class_histogram} or
 * {@code VM.native_memory summary} can be taken (the pid is printed first).
 *
 * <p>Usage: {@code java <chronicle flags> [-Xmx...] -cp benchmarks.jar dev.sextant.bench.load.HeadMemory
 * --series=1000000 --samples=120 [--interval=15s] [--batch=1000] [--threads=1] [--dir=...] [--hold=0]}
 */
public final class HeadMemory {
    private HeadMemory() {}

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "series", "samples", "interval", "batch", "threads", "dir", "hold", "settle", "seed");
        int series = a.getInt("series", 1_000_000);
        int samples = a.getInt("samples", 120);
        long interval = a.getMillis("interval", 15_000);
        int batch = a.getInt("batch", 1000);
        int threads = a.getInt("threads", 1);
        long settle = a.getMillis("settle", 5_000);
        Path dir = a.get("dir", null) != null ? Path.of(a.get("dir", null)) : Files.createTempDirectory("sextant-head-memory");
        long pid = ProcessHandle.current().pid();
        System.err.println("pid " + pid + ", dir " + dir);
        long[] idle = procStatus();

        SeriesModel model = new SeriesModel(series, a.getLong("seed", 1));
        long end = System.currentTimeMillis();
        long start = end - (samples - 1) * interval;
        long t0 = System.nanoTime();
        long[] refs = new long[series];
        long appended;
        Tsdb db = Tsdb.open(dir, TsdbOptions.defaults());
        try {
            Labels[] labels = new Labels[series];
            for (int s = 0; s < series; s++) {
                labels[s] = Labels.of(model.labels(s));
            }
            appended = load(db, model, labels, refs, samples, start, interval, batch, threads);
            labels = null;
            model = null;
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            System.gc();
            Thread.sleep(settle);
            System.gc();
            long[] st = procStatus();
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            var nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
            long direct = 0;
            long mapped = 0;
            for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (b.getName().equals("direct")) {
                    direct = b.getMemoryUsed();
                } else if (b.getName().equals("mapped")) {
                    mapped = b.getMemoryUsed();
                }
            }
            StringBuilder j = new StringBuilder("{");
            field(j, "series", series).append(',');
            field(j, "samples_per_series", samples).append(',');
            field(j, "samples_appended", appended).append(',');
            field(j, "head_series", db.seriesCreatedTotal() - db.seriesRemovedTotal()).append(',');
            field(j, "head_chunks", db.headChunks()).append(',');
            j.append("\"load_seconds\":").append(String.format("%.1f", loadSeconds)).append(',');
            j.append("\"samples_per_second\":").append(Math.round(appended / loadSeconds)).append(',');
            field(j, "idle_vm_rss", idle[0]).append(',');
            field(j, "vm_rss", st[0]).append(',');
            field(j, "vm_hwm", st[1]).append(',');
            field(j, "rss_anon", st[2]).append(',');
            field(j, "rss_file", st[3]).append(',');
            field(j, "heap_used_after_gc", heap.getUsed()).append(',');
            field(j, "heap_committed", heap.getCommitted()).append(',');
            field(j, "heap_max", heap.getMax()).append(',');
            field(j, "non_heap_used", nonHeap.getUsed()).append(',');
            field(j, "nio_direct", direct).append(',');
            field(j, "nio_mapped", mapped).append(',');
            for (MemoryTag tag : MemoryTag.values()) {
                field(j, "offheap_" + tag.name().toLowerCase(java.util.Locale.ROOT), tag.outstandingBytes()).append(',');
            }
            perSeries(j, "vm_rss_per_series", st[0], series).append(',');
            perSeries(j, "vm_hwm_per_series", st[1], series).append(',');
            perSeries(j, "rss_growth_per_series", st[0] - idle[0], series).append(',');
            perSeries(j, "heap_used_per_series", heap.getUsed(), series).append(',');
            perSeries(j, "offheap_head_chunks_per_series", MemoryTag.HEAD_CHUNKS.outstandingBytes(), series).append(',');
            j.append("\"jvm_args\":\"").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())
                    .replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            j.append('}');
            System.out.println(j);
            System.out.flush();
            int hold = a.getInt("hold", 0);
            if (hold > 0) {
                System.err.println("holding " + hold + " s for jcmd " + pid);
                Thread.sleep(hold * 1000L);
            }
        } finally {
            db.close();
            if (a.get("dir", null) == null) {
                try (Stream<Path> f = Files.walk(dir)) {
                    f.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Appends every round; with several threads each takes every {@code threads}-th batch of a round. */
    static long load(Tsdb db, SeriesModel model, Labels[] labels, long[] refs, int samples, long start, long interval,
            int batch, int threads) throws InterruptedException {
        int series = labels.length;
        long total = 0;
        for (int r = 0; r < samples; r++) {
            long t = start + r * interval;
            if (r > 0) {
                model.advance();
            }
            Thread[] ts = new Thread[threads];
            long[] counts = new long[threads];
            for (int w = 0; w < threads; w++) {
                final int worker = w;
                ts[w] = new Thread(() -> {
                    for (int from = worker * batch; from < series; from += threads * batch) {
                        int to = Math.min(series, from + batch);
                        Appender app = db.appender();
                        for (int s = from; s < to; s++) {
                            refs[s] = app.append(refs[s], labels[s], t, model.value(s));
                        }
                        app.commit();
                        counts[worker] += to - from;
                    }
                });
                ts[w].start();
            }
            for (int w = 0; w < threads; w++) {
                ts[w].join();
                total += counts[w];
            }
            if (r == 0) {
                // From now on pass the head's own labels, so only one copy of them is alive.
                Appender app = db.appender();
                for (int s = 0; s < series; s++) {
                    labels[s] = app.storedLabels(refs[s]);
                }
                app.rollback();
            }
        }
        return total;
    }

    /** VmRSS, VmHWM, RssAnon, RssFile in bytes. */
    static long[] procStatus() throws IOException {
        long[] out = new long[4];
        String[] keys = {"VmRSS:", "VmHWM:", "RssAnon:", "RssFile:"};
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            for (int k = 0; k < keys.length; k++) {
                if (line.startsWith(keys[k])) {
                    out[k] = Long.parseLong(line.substring(keys[k].length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        }
        return out;
    }

    private static StringBuilder field(StringBuilder j, String name, long v) {
        return j.append('"').append(name).append("\":").append(v);
    }

    private static StringBuilder perSeries(StringBuilder j, String name, long bytes, int series) {
        return j.append('"').append(name).append("\":").append(String.format("%.1f", (double) bytes / series));
    }
}
