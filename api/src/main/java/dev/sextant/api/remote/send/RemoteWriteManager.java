package dev.sextant.api.remote.send;

import dev.sextant.tsdb.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one queue (a {@link WalWatcher} feeding a {@link QueueManager}) per {@code remote_write}
 * entry. {@link #apply} is called at startup and on every configuration reload: queues whose
 * configuration (and external labels) did not change keep running untouched; changed and removed
 * ones are stopped (their progress is persisted, so a changed queue with the same name resumes where
 * the old one stopped) before new ones start.
 *
 * <p>Thread-safety: thread-safe ({@code apply} and {@code close} are synchronized).
 */
public final class RemoteWriteManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteWriteManager.class);
    /** How long stopping queues may keep sending what they hold (the rest stays in the WAL). */
    static final long FLUSH_MILLIS = 5_000;

    private final Path walDir;
    private final Path progressDir;
    private final RemoteWriteMetrics metrics;
    private final LongSupplier highestInMillis;
    private final Map<Key, Running> running = new LinkedHashMap<>();
    private final java.util.function.Supplier<List<MetadataSender.MetricMetadata>> metadata;
    private final java.util.concurrent.ScheduledExecutorService scheduler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "remote-write-metadata");
                t.setDaemon(true);
                return t;
            });

    private record Key(RemoteWriteConfig config, Labels externalLabels) {}

    private record Running(WalWatcher watcher, QueueManager queue, RemoteWriteMetrics.Queue metrics,
            java.util.concurrent.ScheduledFuture<?> metadataTask) {}

    /** Metric metadata as the scrape loops know it (family, type, help, unit), for {@code metadata_config}. */
    public record MetricMetadata(String family, String type, String help, String unit) {}

    /**
     * @param dataDir the TSDB directory: the WAL is {@code dataDir/wal}, progress goes to
     *     {@code dataDir/remote_write/}
     * @param highestInMillis the newest sample timestamp in storage (for lag and shard calculation)
     */
    public RemoteWriteManager(Path dataDir, RemoteWriteMetrics metrics, LongSupplier highestInMillis) {
        this(dataDir, metrics, highestInMillis, List::of);
    }

    /** @param metadata the metadata of the active scrape targets, sent per {@code metadata_config} */
    public RemoteWriteManager(Path dataDir, RemoteWriteMetrics metrics, LongSupplier highestInMillis,
            java.util.function.Supplier<List<MetricMetadata>> metadata) {
        this.metadata = () -> {
            List<MetadataSender.MetricMetadata> out = new ArrayList<>();
            for (MetricMetadata m : metadata.get()) {
                out.add(new MetadataSender.MetricMetadata(m.family(), m.type(), m.help(), m.unit()));
            }
            return out;
        };
        this.walDir = dataDir.resolve("wal");
        this.progressDir = dataDir.resolve("remote_write");
        this.metrics = metrics;
        this.highestInMillis = highestInMillis;
        metrics.highestTimestampIn(() -> {
            long t = highestInMillis.getAsLong();
            return t == Long.MIN_VALUE ? 0 : t / 1000.0;
        });
    }

    /** Starts, keeps or stops queues to match {@code configs}. */
    public synchronized void apply(List<RemoteWriteConfig> configs, Labels externalLabels) throws IOException {
        Map<Key, Boolean> wanted = new LinkedHashMap<>();
        for (RemoteWriteConfig c : configs) {
            wanted.put(new Key(c, externalLabels), Boolean.TRUE);
        }
        List<Key> stop = new ArrayList<>();
        for (Key k : running.keySet()) {
            if (!wanted.containsKey(k)) {
                stop.add(k);
            }
        }
        for (Key k : stop) {
            stopQueue(k, running.remove(k));
        }
        for (Key k : wanted.keySet()) {
            if (!running.containsKey(k)) {
                running.put(k, startQueue(k));
            }
        }
    }

    /** Names of the running queues (for tests and status). */
    public synchronized List<String> queueNames() {
        List<String> out = new ArrayList<>();
        for (Key k : running.keySet()) {
            out.add(k.config().name());
        }
        return out;
    }

    private Running startQueue(Key k) throws IOException {
        RemoteWriteConfig c = k.config();
        RemoteWriteMetrics.Queue m = metrics.queue(c.name(), c.url(), c.queue());
        QueueManager q = new QueueManager(c, m);
        WalWatcher w = new WalWatcher(walDir, progressFile(c), k.externalLabels(), c, q, m, highestInMillis);
        w.start();
        java.util.concurrent.ScheduledFuture<?> task = null;
        if (c.metadata().send() && c.protocol() == 1 && c.metadata().sendIntervalMs() > 0) {
            MetadataSender ms = new MetadataSender(c, q.sender(), metadata, m);
            task = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    ms.sendOnce();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.error("msg=\"sending metadata failed\" remote_name={} err=\"{}\"", c.name(), e.toString());
                }
            }, Math.min(c.metadata().sendIntervalMs(), 10_000), c.metadata().sendIntervalMs(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        log.info("msg=\"Starting remote write queue\" remote_name={} url={} protocol={}", c.name(), c.url(),
                c.protocol() == 2 ? RemoteWriteConfig.PROTO_V2 : RemoteWriteConfig.PROTO_V1);
        return new Running(w, q, m, task);
    }

    private void stopQueue(Key k, Running r) {
        if (r.metadataTask() != null) {
            r.metadataTask().cancel(true);
        }
        try {
            r.watcher().stop(FLUSH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.metrics().unregister();
        log.info("msg=\"Stopped remote write queue\" remote_name={} url={}", k.config().name(), k.config().url());
    }

    /** {@code <name>-<8 hex of the URL's hash>.progress}: one file per queue name and receiver. */
    Path progressFile(RemoteWriteConfig c) {
        String safe = c.name().replaceAll("[^A-Za-z0-9_.-]", "_");
        int h = java.util.Arrays.hashCode(c.url().getBytes(StandardCharsets.UTF_8));
        return progressDir.resolve(safe + "-" + String.format("%08x", h) + ".progress");
    }

    @Override
    public synchronized void close() {
        for (Map.Entry<Key, Running> e : running.entrySet()) {
            stopQueue(e.getKey(), e.getValue());
        }
        running.clear();
        scheduler.shutdownNow();
    }
}
