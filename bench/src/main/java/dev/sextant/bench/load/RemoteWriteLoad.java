package dev.sextant.bench.load;

import dev.sextant.bench.wire.WriteRequestEncoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * Remote-write load generator: sends the {@link SeriesModel} population to a remote-write 1.0
 * endpoint as fast as the server accepts it and reports client-side samples/s, request latency
 * percentiles and errors.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.sextant.bench.load.RemoteWriteLoad
 * --url=http://127.0.0.1:9090/api/v1/write --series=100000 --samples=20 --interval=15s
 * --batch=2000 --concurrency=2 [--end-ms=...] [--seed=1] [--json-out=file] [--timeout=600s]}
 *
 * <p>Each round sends one sample of every series, stamped {@code end - (samples-1-round) ×
 * interval}. Series are split into batches of {@code batch} samples; batch {@code b} always
 * belongs to worker {@code b % concurrency} (like Prometheus's shards), which sends its batches
 * round by round, so every series' samples arrive in timestamp order. Values are computed before
 * the clock starts and requests are encoded by hand into reused buffers, so the client spends
 * little CPU per sample. Requests are not retried: a non-2xx answer counts as an error and its
 * samples as not written.
 */
public final class RemoteWriteLoad {
    /** Settings; see the class comment for their meaning. */
    public record Config(String url, int series, int samples, long intervalMs, int batch, int concurrency,
            long endMs, long seed, long timeoutMs) {
        public int batchesPerRound() {
            return (series + batch - 1) / batch;
        }
    }

    /** The precomputed data of one run: encoded labels, timestamps and every round's values. */
    public static final class Workload {
        final Config config;
        final byte[][] labels;
        final long[] timestamps;
        final double[][] values;

        Workload(Config config) {
            this.config = config;
            SeriesModel model = new SeriesModel(config.series(), config.seed());
            labels = new byte[config.series()][];
            for (int s = 0; s < config.series(); s++) {
                labels[s] = WriteRequestEncoder.encodeLabels(model.labels(s));
            }
            timestamps = new long[config.samples()];
            values = new double[config.samples()][config.series()];
            for (int r = 0; r < config.samples(); r++) {
                timestamps[r] = config.endMs() - (long) (config.samples() - 1 - r) * config.intervalMs();
                if (r > 0) {
                    model.advance();
                }
                for (int s = 0; s < config.series(); s++) {
                    values[r][s] = model.value(s);
                }
            }
        }

        /** Encodes batch {@code b} of round {@code r} (uncompressed protobuf) into {@code enc}. */
        public void encode(int r, int b, WriteRequestEncoder enc) {
            enc.reset();
            int from = b * config.batch();
            int to = Math.min(config.series(), from + config.batch());
            double[] v = values[r];
            long t = timestamps[r];
            for (int s = from; s < to; s++) {
                enc.addSeries(labels[s], t, v[s]);
            }
        }

        public int samplesIn(int b) {
            int from = b * config.batch();
            return Math.min(config.series(), from + config.batch()) - from;
        }
    }

    public static Workload prepare(Config config) {
        return new Workload(config);
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, "url", "series", "samples", "interval", "batch", "concurrency", "end-ms", "seed",
                "json-out", "timeout");
        long interval = a.getMillis("interval", 15_000);
        long now = System.currentTimeMillis();
        Config c = new Config(a.get("url", "http://127.0.0.1:9090/api/v1/write"), a.getInt("series", 100_000),
                a.getInt("samples", 20), interval, a.getInt("batch", 2000), a.getInt("concurrency", 2),
                a.getLong("end-ms", now / interval * interval), a.getLong("seed", 1), a.getMillis("timeout", 600_000));
        System.err.printf(Locale.ROOT, "remote-write: preparing %d series x %d samples%n", c.series(), c.samples());
        Workload w = prepare(c);
        Result r = run(w);
        String json = r.toJson(c);
        System.out.println(r.summary());
        String out = a.get("json-out", null);
        if (out != null) {
            Files.writeString(Path.of(out), json, StandardCharsets.UTF_8);
        }
        if (r.samplesOk == 0) {
            System.exit(1);
        }
    }

    /** Client-side figures of one run. */
    public record Result(long samplesOk, long samplesFailed, long requests, long errors, String firstError,
            double seconds, double p50, double p90, double p99, double clientCpuSeconds) {
        double samplesPerSecond() {
            return samplesOk / seconds;
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "samples_ok=%d samples_failed=%d requests=%d errors=%d seconds=%.2f samples_per_s=%.0f "
                            + "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f client_cpu_s=%.2f%s",
                    samplesOk, samplesFailed, requests, errors, seconds, samplesPerSecond(), p50, p90, p99,
                    clientCpuSeconds, firstError == null ? "" : " first_error=\"" + firstError + "\"");
        }

        String toJson(Config c) {
            return String.format(Locale.ROOT,
                    "{\"series\":%d,\"samples_per_series\":%d,\"interval_ms\":%d,\"batch\":%d,\"concurrency\":%d,"
                            + "\"samples_ok\":%d,\"samples_failed\":%d,\"requests\":%d,\"errors\":%d,\"seconds\":%.3f,"
                            + "\"samples_per_s\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                            + "\"client_cpu_s\":%.3f,\"end_ms\":%d}%n",
                    c.series(), c.samples(), c.intervalMs(), c.batch(), c.concurrency(), samplesOk, samplesFailed,
                    requests, errors, seconds, samplesPerSecond(), p50, p90, p99, clientCpuSeconds, c.endMs());
        }
    }

    public static Result run(Workload w) throws InterruptedException {
        Config c = w.config;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(c.url());
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        String[] firstError = new String[1];
        Latencies[] lat = new Latencies[c.concurrency()];
        Thread[] threads = new Thread[c.concurrency()];
        long deadline = System.nanoTime() + c.timeoutMs() * 1_000_000L;
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads.length; i++) {
            int worker = i;
            lat[i] = new Latencies();
            threads[i] = new Thread(() -> {
                WriteRequestEncoder enc = new WriteRequestEncoder();
                byte[] compressed = new byte[0];
                for (int r = 0; r < c.samples(); r++) {
                    for (int b = worker; b < c.batchesPerRound(); b += c.concurrency()) {
                        if (System.nanoTime() > deadline) {
                            recordError(errors, firstError, "timeout: run stopped after " + c.timeoutMs() + " ms");
                            failed.addAndGet(w.samplesIn(b));
                            continue;
                        }
                        w.encode(r, b, enc);
                        try {
                            int max = Snappy.maxCompressedLength(enc.length());
                            if (compressed.length < max) {
                                compressed = new byte[max];
                            }
                            int clen = Snappy.rawCompress(enc.buffer(), 0, enc.length(), compressed, 0);
                            HttpRequest req = HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Encoding", "snappy")
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("User-Agent", "sextant-bench/0.1")
                                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(compressed, 0, clen))
                                    .build();
                            long s = System.nanoTime();
                            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                            lat[worker].record(System.nanoTime() - s);
                            requests.incrementAndGet();
                            if (resp.statusCode() / 100 == 2) {
                                ok.addAndGet(w.samplesIn(b));
                            } else {
                                failed.addAndGet(w.samplesIn(b));
                                recordError(errors, firstError, resp.statusCode() + " " + abbreviate(resp.body()));
                            }
                        } catch (IOException e) {
                            failed.addAndGet(w.samplesIn(b));
                            recordError(errors, firstError, e.toString());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }, "remote-write-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        Latencies all = new Latencies();
        for (Latencies l : lat) {
            all.addAll(l);
        }
        return new Result(ok.get(), failed.get(), requests.get(), errors.get(), firstError[0], seconds,
                all.percentileMillis(50), all.percentileMillis(90), all.percentileMillis(99), cpu);
    }

    private static void recordError(AtomicLong errors, String[] first, String msg) {
        errors.incrementAndGet();
        synchronized (first) {
            if (first[0] == null) {
                first[0] = msg;
            }
        }
    }

    private static String abbreviate(String s) {
        s = s.replace('\n', ' ').replace('"', '\'');
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
