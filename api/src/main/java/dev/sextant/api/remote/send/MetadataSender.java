package dev.sextant.api.remote.send;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metadata_config}: every {@code send_interval}, sends the metric metadata (type, help, unit
 * per metric family) of the active scrape targets in {@code WriteRequest.metadata} (field 3), in
 * requests of at most {@code max_samples_per_send} entries, like Prometheus. Remote write 2.0
 * carries metadata per series instead, so 2.0 queues do not run this.
 *
 * <p>A failed request is retried with the queue's backoff a few times, then left for the next
 * interval (metadata is a snapshot; the next one replaces it).
 *
 * <p>Thread-safety: {@link #sendOnce()} runs on the manager's scheduler thread only.
 */
final class MetadataSender {
    private static final Logger log = LoggerFactory.getLogger(MetadataSender.class);
    private static final int ATTEMPTS = 5;

    /** One metric family's metadata. */
    public record MetricMetadata(String family, String type, String help, String unit) {}

    private final RemoteWriteConfig config;
    private final HttpSender sender;
    private final Supplier<List<MetricMetadata>> source;
    private final RemoteWriteMetrics.Queue metrics;
    private final ProtoWriter body = new ProtoWriter(16 * 1024);
    private final ProtoWriter entry = new ProtoWriter(1024);
    private byte[] compressed = new byte[16 * 1024];

    MetadataSender(RemoteWriteConfig config, HttpSender sender, Supplier<List<MetricMetadata>> source,
            RemoteWriteMetrics.Queue metrics) {
        this.config = config;
        this.sender = sender;
        this.source = source;
        this.metrics = metrics;
    }

    /** The {@code MetricMetadata.MetricType} enum value of a type as scraped. */
    static int typeNumber(String type) {
        return switch (type == null ? "" : type.toLowerCase(Locale.ROOT)) {
            case "counter" -> 1;
            case "gauge" -> 2;
            case "histogram" -> 3;
            case "gaugehistogram" -> 4;
            case "summary" -> 5;
            case "info" -> 6;
            case "stateset" -> 7;
            default -> 0;
        };
    }

    void sendOnce() throws InterruptedException {
        Map<String, MetricMetadata> byFamily = new LinkedHashMap<>();
        for (MetricMetadata m : source.get()) {
            byFamily.putIfAbsent(m.family(), m);
        }
        int max = config.metadata().maxSamplesPerSend();
        body.reset();
        int n = 0;
        for (MetricMetadata m : byFamily.values()) {
            append(m);
            if (++n == max) {
                send(n);
                body.reset();
                n = 0;
            }
        }
        if (n > 0) {
            send(n);
        }
    }

    private void append(MetricMetadata m) {
        entry.reset();
        int t = typeNumber(m.type());
        if (t != 0) {
            entry.tag(1, ProtoWriter.VARINT);
            entry.varint(t);
        }
        entry.string(2, m.family());
        if (m.help() != null && !m.help().isEmpty()) {
            entry.string(4, m.help());
        }
        if (m.unit() != null && !m.unit().isEmpty()) {
            entry.string(5, m.unit());
        }
        body.tag(3, ProtoWriter.LEN);
        body.varint(entry.length());
        body.bytes(entry.array(), 0, entry.length());
    }

    private void send(int n) throws InterruptedException {
        int len;
        try {
            int maxLen = org.xerial.snappy.Snappy.maxCompressedLength(body.length());
            if (compressed.length < maxLen) {
                compressed = new byte[maxLen];
            }
            len = org.xerial.snappy.Snappy.compress(body.array(), 0, body.length(), compressed, 0);
        } catch (java.io.IOException e) {
            log.error("msg=\"encoding metadata failed\" remote_name={} err=\"{}\"", config.name(), e.getMessage());
            return;
        }
        long backoff = config.queue().minBackoffMs();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HttpSender.Result r = sender.send(compressed, len);
            switch (r.outcome()) {
                case SENT -> {
                    metrics.metadataSent.inc(n);
                    metrics.metadataBytes.inc(len);
                    return;
                }
                case DROP -> {
                    metrics.metadataFailed.inc(n);
                    log.error("msg=\"non-recoverable error while sending metadata\" remote_name={} count={} err=\"{}\"",
                            config.name(), n, r.message());
                    return;
                }
                default -> {
                    metrics.metadataRetried.inc(n);
                    Thread.sleep(Math.max(backoff, r.retryAfterMs()));
                    backoff = Math.min(backoff * 2, config.queue().maxBackoffMs());
                }
            }
        }
        metrics.metadataFailed.inc(n);
        log.warn("msg=\"giving up on this round of metadata\" remote_name={} count={}", config.name(), n);
    }
}
