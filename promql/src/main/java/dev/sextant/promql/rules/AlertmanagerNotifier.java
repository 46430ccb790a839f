package dev.sextant.promql.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to Alertmanagers over the v2 API: {@code POST <url>/api/v2/alerts} with a JSON array of
 * {@code {labels, annotations, startsAt, endsAt, generatorURL}}.
 *
 * <p>{@link #send} adds external labels (where the alert lacks them), applies the optional alert
 * relabeling (null drops the alert) and enqueues; a bounded queue drops the oldest alerts when full
 * (counted in {@link #dropped()}). One sender thread posts batches of at most {@code maxBatch} to
 * every Alertmanager; a batch that no Alertmanager accepted goes back to the head of the queue and is
 * retried with backoff, so a down Alertmanager never blocks rule evaluation and gets the alerts once
 * it is back.
 *
 * <p>Thread-safety: thread-safe; {@code send} never blocks on the network.
 */
public final class AlertmanagerNotifier implements Notifier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Queue and batch sizes and retry backoff. */
    public record Options(int queueCapacity, int maxBatch, long minBackoffMs, long maxBackoffMs) {
        public static final Options DEFAULTS = new Options(10_000, 256, 500, 10_000);
    }

    private final List<AlertmanagerConfig> configs;
    private final Labels externalLabels;
    private final UnaryOperator<Labels> relabel;
    private final Options options;
    private final HttpClient http;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<NotifierAlert> queue = new ArrayDeque<>();
    private final Thread sender;
    private volatile boolean closed;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param relabel {@code alert_relabel_configs} as a function (null result drops the alert), or null
     */
    public AlertmanagerNotifier(List<AlertmanagerConfig> configs, Labels externalLabels, UnaryOperator<Labels> relabel,
            Options options) {
        this.configs = List.copyOf(configs);
        this.externalLabels = externalLabels;
        this.relabel = relabel;
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.sender = new Thread(this::run, "alertmanager-notifier");
        sender.setDaemon(true);
        sender.start();
    }

    /** The alerts URLs of every configured Alertmanager ({@code /api/v1/alertmanagers}). */
    public List<String> alertmanagerUrls() {
        List<String> out = new ArrayList<>();
        for (AlertmanagerConfig c : configs) {
            out.addAll(c.alertsUrls());
        }
        return out;
    }

    @Override
    public void send(List<NotifierAlert> alerts) {
        List<NotifierAlert> prepared = new ArrayList<>(alerts.size());
        for (NotifierAlert a : alerts) {
            LabelsBuilder b = a.labels().toBuilder();
            externalLabels.forEach((n, v) -> {
                if (!a.labels().has(n)) {
                    b.set(n, v);
                }
            });
            Labels l = b.build();
            if (relabel != null) {
                l = relabel.apply(l);
                if (l == null || l.isEmpty()) {
                    continue;
                }
            }
            prepared.add(new NotifierAlert(l, a.annotations(), a.startsAtMs(), a.endsAtMs(), a.generatorURL()));
        }
        if (prepared.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (NotifierAlert a : prepared) {
                queue.addLast(a);
            }
            trimLocked();
            nonEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private void trimLocked() {
        while (queue.size() > options.queueCapacity()) {
            queue.pollFirst();
            dropped.incrementAndGet();
        }
    }

    /** Alerts dropped because the queue was full ({@code prometheus_notifications_dropped_total}). */
    public long dropped() {
        return dropped.get();
    }

    /** Alerts accepted by Alertmanagers, counted per Alertmanager ({@code prometheus_notifications_sent_total}). */
    public long sent() {
        return sent.get();
    }

    /** Failed POSTs, counted per Alertmanager and batch ({@code prometheus_notifications_errors_total}). */
    public long errors() {
        return errors.get();
    }

    /** Alerts waiting to be sent ({@code prometheus_notifications_queue_length}). */
    public int queueLength() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long backoff = 0;
        while (!closed) {
            List<NotifierAlert> batch = new ArrayList<>();
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    nonEmpty.await();
                }
                while (!queue.isEmpty() && batch.size() < options.maxBatch()) {
                    batch.add(queue.pollFirst());
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (batch.isEmpty()) {
                continue;
            }
            if (postToAll(batch)) {
                backoff = 0;
                continue;
            }
            lock.lock();
            try {
                for (int i = batch.size() - 1; i >= 0; i--) {
                    queue.addFirst(batch.get(i));
                }
                trimLocked();
            } finally {
                lock.unlock();
            }
            backoff = backoff == 0 ? options.minBackoffMs() : Math.min(options.maxBackoffMs(), backoff * 2);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Posts to every Alertmanager; true when at least one accepted (or none is configured). */
    private boolean postToAll(List<NotifierAlert> batch) {
        if (configs.isEmpty()) {
            return true;
        }
        byte[] body = encode(batch);
        boolean any = false;
        for (AlertmanagerConfig c : configs) {
            for (String url : c.alertsUrls()) {
                try {
                    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofMillis(c.timeoutMs()))
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "Sextant")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    if (c.basicAuthUser() != null) {
                        String cred = c.basicAuthUser() + ":" + (c.basicAuthPassword() == null ? "" : c.basicAuthPassword());
                        rb.header("Authorization", "Basic "
                                + Base64.getEncoder().encodeToString(cred.getBytes(StandardCharsets.UTF_8)));
                    } else if (c.bearerToken() != null) {
                        rb.header("Authorization", "Bearer " + c.bearerToken());
                    }
                    HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() / 100 == 2) {
                        any = true;
                        sent.addAndGet(batch.size());
                    } else {
                        errors.incrementAndGet();
                        LOG.warn("msg=\"error sending alerts\" alertmanager={} status={} body=\"{}\"", url,
                                resp.statusCode(), resp.body());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (Exception e) {
                    errors.incrementAndGet();
                    LOG.debug("msg=\"error sending alerts\" alertmanager={} err=\"{}\"", url, e.toString());
                }
            }
        }
        return any;
    }

    /** The v2 JSON body: an array of alerts. */
    static byte[] encode(List<NotifierAlert> batch) {
        List<Map<String, Object>> out = new ArrayList<>(batch.size());
        for (NotifierAlert a : batch) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, String> labels = new LinkedHashMap<>();
            a.labels().forEach(labels::put);
            m.put("labels", labels);
            m.put("annotations", a.annotations());
            if (a.startsAtMs() > 0) {
                m.put("startsAt", Instant.ofEpochMilli(a.startsAtMs()).toString());
            }
            if (a.endsAtMs() > 0) {
                m.put("endsAt", Instant.ofEpochMilli(a.endsAtMs()).toString());
            }
            m.put("generatorURL", a.generatorURL());
            out.add(m);
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the sender thread; queued alerts are discarded. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
