package dev.sextant.api.remote.send;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/**
 * The remote-write queue metrics under Prometheus's own names ({@code prometheus_remote_storage_*}
 * with labels {@code remote_name} and {@code url}), so the dashboards and alerts people already
 * run against Prometheus's queues (e.g. {@code PrometheusRemoteWriteBehind}) work unchanged.
 *
 * <p>Thread-safety: thread-safe. One instance per server; queues take their labelled children.
 */
public final class RemoteWriteMetrics {
    private final Counter samplesTotal;
    private final Counter samplesFailed;
    private final Counter samplesRetried;
    private final Counter samplesDropped;
    private final Counter bytesTotal;
    private final Counter enqueueRetries;
    private final Gauge samplesPending;
    private final Gauge shards;
    private final Gauge shardsMin;
    private final Gauge shardsMax;
    private final Gauge shardsDesired;
    private final Gauge shardCapacity;
    private final Gauge maxSamplesPerSend;
    private final Gauge highestSent;
    private final Histogram sentBatchDuration;
    private final Counter samplesIn;
    private final Gauge walSegment;
    private final Counter metadataTotal;
    private final Counter metadataFailedTotal;
    private final Counter metadataRetriedTotal;
    private final Counter metadataBytesTotal;
    private volatile DoubleSupplier highestIn = () -> 0;

    public RemoteWriteMetrics(PrometheusRegistry registry) {
        String[] l = {"remote_name", "url"};
        samplesTotal = Counter.builder().name("prometheus_remote_storage_samples_total")
                .help("Total number of samples sent to remote storage.").labelNames(l).register(registry);
        samplesFailed = Counter.builder().name("prometheus_remote_storage_samples_failed_total")
                .help("Total number of samples which failed on send to remote storage, non-recoverable errors.")
                .labelNames(l).register(registry);
        samplesRetried = Counter.builder().name("prometheus_remote_storage_samples_retried_total")
                .help("Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.")
                .labelNames(l).register(registry);
        samplesDropped = Counter.builder().name("prometheus_remote_storage_samples_dropped_total")
                .help("Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.")
                .labelNames(l).register(registry);
        bytesTotal = Counter.builder().name("prometheus_remote_storage_bytes_total")
                .help("The total number of bytes of data (not metadata) sent by the queue after compression.")
                .labelNames(l).register(registry);
        enqueueRetries = Counter.builder().name("prometheus_remote_storage_enqueue_retries_total")
                .help("Total number of times enqueue has failed because a shards queue was full.")
                .labelNames(l).register(registry);
        samplesPending = Gauge.builder().name("prometheus_remote_storage_samples_pending")
                .help("The number of samples pending in the queues shards to be sent to the remote storage.")
                .labelNames(l).register(registry);
        shards = Gauge.builder().name("prometheus_remote_storage_shards")
                .help("The number of shards used for parallel sending to the remote storage.").labelNames(l).register(registry);
        shardsMin = Gauge.builder().name("prometheus_remote_storage_shards_min")
                .help("The minimum number of shards that the queue is allowed to run.").labelNames(l).register(registry);
        shardsMax = Gauge.builder().name("prometheus_remote_storage_shards_max")
                .help("The maximum number of shards that the queue is allowed to run.").labelNames(l).register(registry);
        shardsDesired = Gauge.builder().name("prometheus_remote_storage_shards_desired")
                .help("The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.")
                .labelNames(l).register(registry);
        shardCapacity = Gauge.builder().name("prometheus_remote_storage_shard_capacity")
                .help("The capacity of each shard of the queue used for parallel sending to the remote storage.")
                .labelNames(l).register(registry);
        maxSamplesPerSend = Gauge.builder().name("prometheus_remote_storage_max_samples_per_send")
                .help("The maximum number of samples to be sent, in a single request, to the remote storage.")
                .labelNames(l).register(registry);
        highestSent = Gauge.builder().name("prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
                .help("Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.")
                .labelNames(l).register(registry);
        sentBatchDuration = Histogram.builder().name("prometheus_remote_storage_sent_batch_duration_seconds")
                .help("Duration of send calls to the remote storage.").labelNames(l).classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300)
                .register(registry);
        samplesIn = Counter.builder().name("prometheus_remote_storage_samples_in_total")
                .help("Samples in to remote storage, compare to samples out for queue managers.").labelNames(l).register(registry);
        walSegment = Gauge.builder().name("prometheus_wal_watcher_current_segment")
                .help("Current segment the WAL watcher is reading records from.").labelNames("consumer").register(registry);
        metadataTotal = Counter.builder().name("prometheus_remote_storage_metadata_total")
                .help("Total number of metadata entries sent to remote storage.").labelNames(l).register(registry);
        metadataFailedTotal = Counter.builder().name("prometheus_remote_storage_metadata_failed_total")
                .help("Total number of metadata entries which failed on send to remote storage, non-recoverable errors.")
                .labelNames(l).register(registry);
        metadataRetriedTotal = Counter.builder().name("prometheus_remote_storage_metadata_retried_total")
                .help("Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.")
                .labelNames(l).register(registry);
        metadataBytesTotal = Counter.builder().name("prometheus_remote_storage_metadata_bytes_total")
                .help("The total number of bytes of metadata sent by the queue after compression.")
                .labelNames(l).register(registry);
        GaugeWithCallback.builder().name("prometheus_remote_storage_highest_timestamp_in_seconds")
                .help("Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.")
                .callback(cb -> cb.call(highestIn.getAsDouble())).register(registry);
    }

    /** Source of {@code prometheus_remote_storage_highest_timestamp_in_seconds} (the head's newest sample). */
    public void highestTimestampIn(DoubleSupplier seconds) {
        this.highestIn = seconds;
    }

    /** The children of one queue. */
    final class Queue {
        final String name;
        final String url;
        final CounterDataPoint sent;
        final CounterDataPoint failed;
        final CounterDataPoint retried;
        final CounterDataPoint dropped;
        final CounterDataPoint bytes;
        final CounterDataPoint enqueueRetry;
        final CounterDataPoint in;
        final GaugeDataPoint pending;
        final GaugeDataPoint shardCount;
        final GaugeDataPoint desired;
        final GaugeDataPoint highestSentSeconds;
        final GaugeDataPoint segment;
        final io.prometheus.metrics.core.datapoints.DistributionDataPoint duration;
        final CounterDataPoint metadataSent;
        final CounterDataPoint metadataFailed;
        final CounterDataPoint metadataRetried;
        final CounterDataPoint metadataBytes;

        Queue(String name, String url, RemoteWriteConfig.QueueConfig q) {
            this.name = name;
            this.url = url;
            sent = samplesTotal.labelValues(name, url);
            failed = samplesFailed.labelValues(name, url);
            retried = samplesRetried.labelValues(name, url);
            dropped = samplesDropped.labelValues(name, url);
            bytes = bytesTotal.labelValues(name, url);
            enqueueRetry = enqueueRetries.labelValues(name, url);
            in = samplesIn.labelValues(name, url);
            pending = samplesPending.labelValues(name, url);
            shardCount = shards.labelValues(name, url);
            desired = shardsDesired.labelValues(name, url);
            highestSentSeconds = highestSent.labelValues(name, url);
            segment = walSegment.labelValues(name);
            duration = sentBatchDuration.labelValues(name, url);
            metadataSent = metadataTotal.labelValues(name, url);
            metadataFailed = metadataFailedTotal.labelValues(name, url);
            metadataRetried = metadataRetriedTotal.labelValues(name, url);
            metadataBytes = metadataBytesTotal.labelValues(name, url);
            shardsMin.labelValues(name, url).set(q.minShards());
            shardsMax.labelValues(name, url).set(q.maxShards());
            shardCapacity.labelValues(name, url).set(q.capacity());
            maxSamplesPerSend.labelValues(name, url).set(q.maxSamplesPerSend());
        }

        /** Removes this queue's series (the queue was removed by a reload). */
        void unregister() {
            for (Counter c : new Counter[] {samplesTotal, samplesFailed, samplesRetried, samplesDropped, bytesTotal,
                    enqueueRetries, samplesIn, metadataTotal, metadataFailedTotal, metadataRetriedTotal,
                    metadataBytesTotal}) {
                c.remove(name, url);
            }
            for (Gauge g : new Gauge[] {samplesPending, shards, shardsMin, shardsMax, shardsDesired, shardCapacity,
                    maxSamplesPerSend, highestSent}) {
                g.remove(name, url);
            }
            sentBatchDuration.remove(name, url);
            walSegment.remove(name);
        }
    }

    Queue queue(String name, String url, RemoteWriteConfig.QueueConfig q) {
        return new Queue(name, url, q);
    }
}
