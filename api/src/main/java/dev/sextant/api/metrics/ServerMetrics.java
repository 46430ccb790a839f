package dev.sextant.api.metrics;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.http.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Sextant's own metrics, served on {@code /metrics} through the official Prometheus Java client.
 * Names mirror Prometheus's own with a {@code sextant_} prefix (see docs/kubernetes.md).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ServerMetrics implements HttpServer.RequestObserver {
    private static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter httpRequests;
    private final Histogram httpDuration;
    private final Histogram queryDuration;
    private final Counter remoteWriteSamples;
    private final Counter remoteWriteErrors;
    private final Gauge configReloadSuccess;
    private final Gauge configReloadTime;

    public ServerMetrics() {
        httpRequests = Counter.builder().name("sextant_http_requests_total")
                .help("Counter of HTTP requests.").labelNames("handler", "code").register(registry);
        httpDuration = Histogram.builder().name("sextant_http_request_duration_seconds")
                .help("Histogram of latencies for HTTP requests.").labelNames("handler")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        queryDuration = Histogram.builder().name("sextant_engine_query_duration_seconds")
                .help("Query timings.").labelNames("slice")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        remoteWriteSamples = Counter.builder().name("sextant_remote_write_receiver_samples_total")
                .help("Samples accepted by the remote-write receiver.").register(registry);
        remoteWriteErrors = Counter.builder().name("sextant_remote_write_receiver_errors_total")
                .help("Remote-write requests rejected, by reason.").labelNames("reason").register(registry);
        configReloadSuccess = Gauge.builder().name("sextant_config_last_reload_successful")
                .help("Whether the last configuration reload attempt was successful.").register(registry);
        configReloadTime = Gauge.builder().name("sextant_config_last_reload_success_timestamp_seconds")
                .help("Timestamp of the last successful configuration reload.").register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void observe(String handler, int status, long nanos) {
        httpRequests.labelValues(handler, Integer.toString(status)).inc();
        httpDuration.labelValues(handler).observe(nanos / 1e9);
    }

    /** Records a query's evaluation time; {@code kind} is {@code instant} or {@code range}. */
    public void observeQuery(String kind, long nanos) {
        queryDuration.labelValues(kind).observe(nanos / 1e9);
    }

    public void remoteWriteAccepted(long samples) {
        remoteWriteSamples.inc(samples);
    }

    public void remoteWriteRejected(String reason) {
        remoteWriteErrors.labelValues(reason).inc();
    }

    public void configReloaded(boolean success, long epochMillis) {
        configReloadSuccess.set(success ? 1 : 0);
        if (success) {
            configReloadTime.set(epochMillis / 1000.0);
        }
    }

    /** Registers a gauge whose value is read at scrape time (e.g. head series from storage). */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** Registers a counter whose value is read at scrape time from a component's own count. */
    public void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** Registers a summary (count and sum only, no quantiles) read at scrape time. */
    public void summary(String name, String help, java.util.function.LongSupplier count, DoubleSupplier sum) {
        SummaryWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(count.getAsLong(), sum.getAsDouble(),
                        io.prometheus.metrics.model.snapshots.Quantiles.EMPTY))
                .register(registry);
    }

    /** {@code GET /metrics}: OpenMetrics when the client asks for it, else text 0.0.4. */
    public Handler handler() {
        return this::serve;
    }

    private ApiResponse serve(ApiRequest request) {
        String accept = request.header("accept");
        boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            if (openMetrics) {
                OpenMetricsTextFormatWriter w = OpenMetricsTextFormatWriter.create();
                w.write(out, registry.scrape());
                return new ApiResponse(200, w.getContentType(), Map.of(), out.toByteArray());
            }
            PrometheusTextFormatWriter w = PrometheusTextFormatWriter.create();
            w.write(out, registry.scrape());
            return new ApiResponse(200, w.getContentType(), Map.of(), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
