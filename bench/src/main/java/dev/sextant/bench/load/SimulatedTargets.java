package dev.sextant.bench.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thousands of scrape targets from one process: one HTTP server on one port answers
 * {@code /metrics/<n>} for {@code n} in {@code [0, targets)} with {@code series} series in the text
 * format 0.0.4, whose values move on every scrape of that target (counters and histogram buckets
 * grow, gauges change).
 *
 * <p>Usage: {@code ... dev.sextant.bench.load.SimulatedTargets --port=9100 --targets=1000
 * --series=1000 [--threads=4] [--write-config=prometheus.yml --scrape-interval=15s]}
 *
 * <p>The series are the {@link SeriesModel} population without {@code job} and {@code instance}
 * (the scraper attaches those), grouped by family with HELP and TYPE lines. Line prefixes are
 * rendered once and shared by all targets; a scrape only writes values into a per-thread buffer,
 * so serving costs little CPU. {@code --write-config} writes a Prometheus scrape configuration
 * with one static target per path: each sets {@code __metrics_path__} and a distinct
 * {@code instance} label, since all targets share one address.
 *
 * <p>{@code /stats} answers {@code scrapes <n>} and {@code bytes <n>} served so far, so a script
 * can count scraped samples from outside the scraper. Every 10 s it prints scrapes/s and bytes/s
 * to stderr.
 */
public final class SimulatedTargets {
    private final int targets;
    private final byte[][] prefixes;
    private final byte[][] headers;
    private final SeriesModel.Kind[] kinds;
    private final int[] bucketIndex;
    private final AtomicIntegerArray scrapes;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

    public SimulatedTargets(int targets, int series) {
        this.targets = targets;
        this.scrapes = new AtomicIntegerArray(targets);
        SeriesModel model = new SeriesModel(series, 1);
        // Group series by family so that each family's lines are contiguous after its HELP/TYPE.
        Map<String, List<Integer>> byFamily = new LinkedHashMap<>();
        for (int s = 0; s < series; s++) {
            byFamily.computeIfAbsent(family(model, s), k -> new ArrayList<>()).add(s);
        }
        prefixes = new byte[series][];
        headers = new byte[series][];
        kinds = new SeriesModel.Kind[series];
        bucketIndex = new int[series];
        int i = 0;
        for (Map.Entry<String, List<Integer>> e : byFamily.entrySet()) {
            boolean first = true;
            for (int s : e.getValue()) {
                SeriesModel.Kind k = model.kind(s);
                if (first) {
                    String type = switch (k) {
                        case COUNTER -> "counter";
                        case GAUGE -> "gauge";
                        default -> "histogram";
                    };
                    headers[i] = ("# HELP " + e.getKey() + " Simulated " + type + ".\n# TYPE " + e.getKey() + " " + type + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                    first = false;
                }
                prefixes[i] = prefix(model.labels(s)).getBytes(StandardCharsets.UTF_8);
                kinds[i] = k;
                String[] l = model.labels(s);
                bucketIndex[i] = k == SeriesModel.Kind.BUCKET ? Arrays.asList(SeriesModel.BUCKETS).indexOf(l[11]) : -1;
                i++;
            }
        }
    }

    private static String family(SeriesModel m, int s) {
        String name = m.labels(s)[1];
        return switch (m.kind(s)) {
            case BUCKET -> name.substring(0, name.length() - "_bucket".length());
            case HIST_SUM -> name.substring(0, name.length() - "_sum".length());
            case HIST_COUNT -> name.substring(0, name.length() - "_count".length());
            default -> name;
        };
    }

    /** {@code name{labels} } without job and instance. */
    private static String prefix(String[] l) {
        StringBuilder sb = new StringBuilder(l[1]).append('{');
        boolean first = true;
        for (int i = 2; i < l.length; i += 2) {
            if (l[i].equals("job") || l[i].equals("instance")) {
                continue;
            }
            sb.append(first ? "" : ",").append(l[i]).append("=\"").append(l[i + 1]).append('"');
            first = false;
        }
        return sb.append("} ").toString();
    }

    /** Renders target {@code t}'s exposition for its {@code n}-th scrape into {@code out}. */
    void render(int t, int n, Buffer out) {
        out.len = 0;
        for (int i = 0; i < prefixes.length; i++) {
            if (headers[i] != null) {
                out.write(headers[i]);
            }
            out.write(prefixes[i]);
            long seed = (t * 1_000_003L + i) * 0x9E3779B97F4A7C15L;
            long base = (seed >>> 44) & 0xFFFF;
            switch (kinds[i]) {
                case COUNTER -> out.writeLong(base * 100 + (long) n * (1 + (base & 7)));
                case GAUGE -> { // a new pseudo-random value on every scrape
                    long r = seed ^ (n * 0xBF58476D1CE4E5B9L);
                    r ^= r >>> 31;
                    out.writeCents(base * 100 + (r & 0x3FFF));
                }
                case BUCKET -> out.writeLong((long) n * (bucketIndex[i] + 1));
                case HIST_SUM -> out.writeCents((long) n * 1_337);
                case HIST_COUNT -> out.writeLong((long) n * SeriesModel.BUCKETS.length);
            }
            out.write((byte) '\n');
        }
    }

    void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            int t = -1;
            if (path.startsWith("/metrics/")) {
                try {
                    t = Integer.parseInt(path.substring("/metrics/".length()));
                } catch (NumberFormatException e) {
                    t = -1;
                }
            }
            if (path.equals("/stats")) {
                byte[] body = String.format(Locale.ROOT, "scrapes %d%nbytes %d%n", served.get(), bytes.get())
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
                return;
            }
            if (t < 0 || t >= targets) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Buffer b = buffers.get();
            render(t, scrapes.incrementAndGet(t), b);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, b.len);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b.buf, 0, b.len);
            }
            served.incrementAndGet();
            bytes.addAndGet(b.len);
        }
    }

    /** Writes a Prometheus configuration scraping every target of this process. */
    static void writeConfig(Path file, int port, int targets, String interval) throws IOException {
        StringBuilder sb = new StringBuilder();
        // No scrape_timeout: Prometheus then uses min(interval, 10s).
        sb.append("global:\n  scrape_interval: ").append(interval).append("\n");
        sb.append("scrape_configs:\n  - job_name: simulated\n    static_configs:\n");
        for (int t = 0; t < targets; t++) {
            sb.append("      - targets: ['127.0.0.1:").append(port).append("']\n");
            sb.append("        labels: {__metrics_path__: '/metrics/").append(t).append("', instance: 'target-")
                    .append(t).append("'}\n");
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "port", "targets", "series", "threads", "write-config", "scrape-interval");
        int port = a.getInt("port", 9100);
        int targets = a.getInt("targets", 1000);
        SimulatedTargets sim = new SimulatedTargets(targets, a.getInt("series", 1000));
        String config = a.get("write-config", null);
        if (config != null) {
            writeConfig(Path.of(config), port, targets, a.get("scrape-interval", "15s"));
        }
        // All targets share this one server, whose defaults keep at most 200 idle connections (30 s):
        // the others would be closed after every scrape, unlike separate exporters (Go servers keep
        // idle connections). Keep one per target, so scrapers reuse connections as in a cluster.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(Math.max(200, 2 * targets)));
        }
        if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
            System.setProperty("sun.net.httpserver.idleInterval", "300");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/", sim::handle);
        server.setExecutor(Executors.newFixedThreadPool(a.getInt("threads", 4)));
        server.start();
        System.err.printf(Locale.ROOT, "simulated-targets: %d targets x %d series on http://127.0.0.1:%d/metrics/<n>%n",
                targets, sim.prefixes.length, port);
        long lastServed = 0;
        long lastBytes = 0;
        while (true) {
            Thread.sleep(10_000);
            long s = sim.served.get();
            long b = sim.bytes.get();
            System.err.printf(Locale.ROOT, "simulated-targets: %.1f scrapes/s %.1f MB/s total_scrapes=%d%n",
                    (s - lastServed) / 10.0, (b - lastBytes) / 10e6, s);
            lastServed = s;
            lastBytes = b;
        }
    }

    /** A growable byte buffer with allocation-free number rendering. */
    static final class Buffer {
        byte[] buf = new byte[1 << 16];
        int len;
        private final byte[] digits = new byte[20];

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        void write(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        void writeLong(long v) {
            ensure(21);
            if (v < 0) {
                buf[len++] = '-';
                v = -v;
            }
            int n = 0;
            do {
                digits[n++] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            while (n > 0) {
                buf[len++] = digits[--n];
            }
        }

        /** Writes {@code cents / 100} with two decimals. */
        void writeCents(long cents) {
            writeLong(cents / 100);
            long c = Math.abs(cents % 100);
            ensure(3);
            buf[len++] = '.';
            buf[len++] = (byte) ('0' + c / 10);
            buf[len++] = (byte) ('0' + c % 10);
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        String text() {
            return new String(buf, 0, len, StandardCharsets.UTF_8);
        }
    }
}
