package dev.sextant.api.remote.send;

import dev.sextant.scrape.config.HttpClientConfig;
import dev.sextant.scrape.relabel.RelabelConfig;
import java.util.List;
import java.util.Map;

/**
 * One {@code remote_write} entry of {@code prometheus.yml}, validated (see {@link RemoteWriteConfigParser}).
 * Durations are milliseconds.
 *
 * <p>Thread-safety: immutable.
 *
 * @param url the receiver's URL
 * @param name {@code name}, or the first 6 hex digits of the config's hash like Prometheus
 * @param headers extra request headers (cannot override the protocol's own)
 * @param http basic auth, authorization, TLS
 * @param remoteTimeoutMs {@code remote_timeout}
 * @param writeRelabel {@code write_relabel_configs}, applied after external labels
 * @param queue {@code queue_config}
 * @param metadata {@code metadata_config}
 * @param protocol 1 for {@code prometheus.WriteRequest}, 2 for {@code io.prometheus.write.v2.Request}
 */
public record RemoteWriteConfig(
        String url,
        String name,
        Map<String, String> headers,
        HttpClientConfig http,
        long remoteTimeoutMs,
        List<RelabelConfig> writeRelabel,
        QueueConfig queue,
        MetadataConfig metadata,
        int protocol) {

    public static final String PROTO_V1 = "prometheus.WriteRequest";
    public static final String PROTO_V2 = "io.prometheus.write.v2.Request";

    public RemoteWriteConfig {
        headers = Map.copyOf(headers);
        writeRelabel = List.copyOf(writeRelabel);
    }

    /**
     * {@code queue_config}; defaults are Prometheus's.
     *
     * @param capacity samples buffered per shard
     * @param retryOnHttp429 whether 429 is retried (else the batch is dropped like other 4xx)
     * @param sampleAgeLimitMs 0 = off; older samples are dropped instead of sent
     */
    public record QueueConfig(
            int capacity,
            int minShards,
            int maxShards,
            int maxSamplesPerSend,
            long batchSendDeadlineMs,
            long minBackoffMs,
            long maxBackoffMs,
            boolean retryOnHttp429,
            long sampleAgeLimitMs) {
        public static final QueueConfig DEFAULT = new QueueConfig(10_000, 1, 50, 2_000, 5_000, 30, 5_000, false, 0);
    }

    /** {@code metadata_config}: {@code send}, {@code send_interval}, {@code max_samples_per_send}. */
    public record MetadataConfig(boolean send, long sendIntervalMs, int maxSamplesPerSend) {
        public static final MetadataConfig DEFAULT = new MetadataConfig(true, 60_000, 2_000);
    }
}
