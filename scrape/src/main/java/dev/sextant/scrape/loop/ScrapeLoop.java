package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.Durations;
import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.exposition.ExpositionParser;
import dev.sextant.scrape.exposition.OpenMetricsParser;
import dev.sextant.scrape.exposition.TextParser;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Appender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one target every interval: HTTP GET with Prometheus's headers, gzip, timeout and body size
 * limit, parser chosen by Content-Type, ingestion through {@link SampleIngester}, one commit per scrape.
 *
 * <p>Scheduling: ticks at {@code offset + k * interval} (fixed rate, no drift). A plain-HTTP target
 * whose request headers need no file reads ticks on its connection's Netty event loop, which writes
 * the request (encoded once per loop) right there: no scheduler thread and no thread hand-off
 * before the request (on a 2-core machine each thread wake-up cost more CPU than the tick itself).
 * Other targets (HTTPS, proxies, credential files) tick on the shared scheduler and start the
 * request on the worker pool, since reading a file or building a TLS request may block. The
 * parse/append runs on the worker pool. A tick while the previous scrape is still running is
 * kept, like the one buffered tick of Prometheus's ticker: the next scrape starts as soon as the
 * running one ends, and later ticks keep the original phase.
 *
 * <p>Thread-safety: the status accessors are safe from any thread; start/stop are called by the pool.
 * At most one scrape runs at a time, so the cache, parsers and buffers need no locking.
 */
final class ScrapeLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeLoop.class);
    static final String USER_AGENT = "Prometheus/2.53.0 (Sextant)";

    private final Target target;
    private final ScrapeConfig cfg;
    private final Appendable storage;
    private final Clock clock;
    private final HttpClient client;
    private final Executor worker;
    private final ScrapeCache cache;
    private final SampleIngester ingester;
    private final TextParser textParser = new TextParser();
    private final OpenMetricsParser omParser = new OpenMetricsParser();
    private final String accept;
    private final Inflater inflater = new Inflater(true);

    /** Where body arrays come from and go back to (shared by the manager's loops). */
    private final BodyBuffers bodies;
    /** A body array too large for {@link #bodies}, kept for this loop's next scrape; usually null. */
    private byte[] spare;
    /** The inflated body of a gzip response while it is parsed, or one too large to pool; usually null. */
    private byte[] inflated;
    private volatile ScheduledFuture<?> ticker;
    private volatile boolean running;
    /** {@link #IDLE}, {@link #RUNNING}, or {@link #RUNNING_TICK_PENDING} (a tick came during the scrape). */
    private final AtomicInteger state = new AtomicInteger();
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUNNING_TICK_PENDING = 2;
    private volatile BodyCollector current;
    private final NettyScrapeClient.Conn nettyConn;
    private final String requestTarget;
    /** {@code X-Prometheus-Scrape-Timeout-Seconds}. */
    private final String timeoutHeader;
    /**
     * The encoded request when it is the same for every scrape (a Netty target whose headers read no
     * files); such a loop ticks on its connection's event loop. Null otherwise.
     */
    private final byte[] fixedRequest;
    /** Set when the target answered with a redirect: from then on the JDK client, which follows them. */
    private volatile boolean jdkOnly;
    private volatile long nextScheduledMs;
    private final Object lock = new Object();

    // Status for the API.
    private volatile String lastError = "";
    private volatile long lastScrapeMs;
    private volatile double lastDurationSeconds;
    private volatile String health = "unknown";

    ScrapeLoop(Target target, ScrapeConfig cfg, Appendable storage, Clock clock, HttpClient client,
            Executor worker, ScrapeCache cache, long firstIter) {
        this(target, cfg, storage, clock, client, null, worker, cache, firstIter);
    }

    ScrapeLoop(Target target, ScrapeConfig cfg, Appendable storage, Clock clock, HttpClient client,
            NettyScrapeClient netty, Executor worker, ScrapeCache cache, long firstIter) {
        this(target, cfg, storage, clock, client, netty, worker, cache, firstIter, new BodyBuffers(1));
    }

    /**
     * @param netty the transport for plain-HTTP targets without a proxy, or null to use only the JDK
     *     client
     * @param bodies the response-body arrays this loop shares with others
     */
    ScrapeLoop(Target target, ScrapeConfig cfg, Appendable storage, Clock clock, HttpClient client,
            NettyScrapeClient netty, Executor worker, ScrapeCache cache, long firstIter, BodyBuffers bodies) {
        this.target = target;
        this.bodies = bodies;
        this.worker = worker;
        this.cfg = cfg;
        this.storage = storage;
        this.clock = clock;
        this.client = client;
        this.cache = cache;
        this.ingester = new SampleIngester(cfg, target.publicLabels(), cache, firstIter);
        this.accept = HttpClients.acceptHeader(cfg.scrapeProtocols(),
                cfg.metricNameEscapingScheme() == null ? "allow-utf-8" : cfg.metricNameEscapingScheme());
        NettyScrapeClient.Conn conn = null;
        String requestTarget = null;
        if (netty != null && HttpClients.proxySelector(cfg.http()) == null) {
            try {
                URI u = URI.create(target.url());
                if ("http".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && u.getRawUserInfo() == null) {
                    conn = netty.connection(u.getHost(), u.getPort() > 0 ? u.getPort() : 80);
                    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
                    requestTarget = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
                }
            } catch (IllegalArgumentException e) {
                conn = null; // the JDK client reports the bad URL on each scrape
            }
        }
        this.nettyConn = conn;
        this.requestTarget = requestTarget;
        this.timeoutHeader = timeoutSeconds(target.timeoutMs());
        byte[] fixed = null;
        if (conn != null && !HttpClients.readsFiles(cfg.http())) {
            try {
                fixed = NettyScrapeClient.encodeRequest(requestTarget, conn.hostHeader(), requestHeaders());
            } catch (IOException e) {
                fixed = null; // each scrape reports the error
            }
        }
        this.fixedRequest = fixed;
    }

    /** Whether the loop ticks on its connection's event loop rather than the shared scheduler. */
    boolean ticksOnEventLoop() {
        return fixedRequest != null;
    }

    /** The request headers, name and value alternating, in the order Prometheus sends them; reads credential files. */
    private java.util.List<String> requestHeaders() throws IOException {
        java.util.ArrayList<String> headers = new java.util.ArrayList<>(16);
        java.util.function.BiConsumer<String, String> add = (n, v) -> {
            headers.add(n);
            headers.add(v);
        };
        add.accept("Accept", accept);
        add.accept("Accept-Encoding", cfg.enableCompression() ? "gzip" : "identity");
        add.accept("User-Agent", USER_AGENT);
        add.accept("X-Prometheus-Scrape-Timeout-Seconds", timeoutHeader);
        HttpClients.authorize(add, cfg.http());
        HttpClients.customHeaders(add, cfg.http());
        return headers;
    }

    Target target() {
        return target;
    }

    ScrapeCache cache() {
        return cache;
    }

    long iteration() {
        return ingester.iteration();
    }

    String lastError() {
        return lastError;
    }

    long lastScrapeMs() {
        return lastScrapeMs;
    }

    double lastDurationSeconds() {
        return lastDurationSeconds;
    }

    String health() {
        return health;
    }

    /**
     * The offset of this target's scrapes within the interval, a stable hash of the target so that
     * loops spread over the interval and a restart keeps the same phase.
     */
    static long offsetMs(long nowMs, long intervalMs, long targetHash, long seed) {
        long base = intervalMs - Math.floorMod(nowMs, intervalMs);
        long offset = Long.remainderUnsigned(targetHash ^ seed, intervalMs);
        long next = base + offset;
        if (next >= intervalMs) {
            next -= intervalMs;
        }
        return next;
    }

    void start(ScheduledExecutorService scheduler, long seed) {
        running = true;
        long interval = target.intervalMs();
        long now = clock.millis();
        long delay = offsetMs(now, interval, target.hash(), seed);
        nextScheduledMs = now + delay;
        ticker = fixedRequest != null
                ? nettyConn.scheduleAtFixedRate(this::tick, delay, interval)
                : scheduler.scheduleAtFixedRate(this::tick, delay, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops scheduling and abandons an in-flight scrape. Returns the time of the next scrape that
     * would have happened, which end-of-run staleness uses.
     */
    long stop() {
        running = false;
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        BodyCollector c = current;
        if (c != null) {
            c.abandon();
        }
        if (nettyConn != null) {
            nettyConn.abandon();
        }
        return nextScheduledMs;
    }

    /** Writes stale markers for everything of the last scrape, at {@code ts}. */
    void endOfRunStaleness(long ts) {
        synchronized (lock) {
            Appender app = storage.appender();
            try {
                ingester.endOfRun(app, ts);
                app.commit();
            } catch (RuntimeException e) {
                app.rollback();
                LOG.warn("stale markers for {} failed: {}", target.url(), e.toString());
            }
        }
    }

    /** A tick: starts a scrape, or keeps the tick for when the running one ends. Never throws. */
    private void tick() {
        try {
            nextScheduledMs = clock.millis() + target.intervalMs();
            if (!running) {
                return;
            }
            while (true) {
                int s = state.get();
                if (s == IDLE) {
                    if (state.compareAndSet(IDLE, RUNNING)) {
                        begin();
                        return;
                    }
                } else if (s == RUNNING) {
                    if (state.compareAndSet(RUNNING, RUNNING_TICK_PENDING)) {
                        return;
                    }
                } else {
                    return; // one kept tick is enough, as Go's ticker keeps one
                }
            }
        } catch (RuntimeException e) { // a periodic task that throws would never run again
            LOG.warn("scrape of {} could not start: {}", target.url(), e.toString());
        }
    }

    /**
     * Starts the scrape the state machine just entered {@link #RUNNING} for: on the event loop when
     * the request is fixed (no hand-off), else on the worker pool (request building may block).
     */
    private void begin() {
        if (fixedRequest != null && !jdkOnly && nettyConn.inLoop()) {
            try {
                startNetty(fixedRequest);
            } catch (RuntimeException e) {
                LOG.warn("scrape of {} could not start: {}", target.url(), e.toString());
                done();
            }
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    scrapeAsync();
                } catch (RuntimeException e) {
                    LOG.warn("scrape of {} could not start: {}", target.url(), e.toString());
                    done();
                }
            });
        } catch (RuntimeException e) { // the worker pool is shut down: the manager is closing
            state.set(IDLE);
        }
    }

    /**
     * Ends a scrape (exactly once per {@link #begin}). When a tick came while it ran, the next scrape
     * starts now, on the connection's event loop or the worker pool.
     */
    private void done() {
        if (state.compareAndSet(RUNNING, IDLE)) {
            return;
        }
        state.set(RUNNING);
        if (!running) {
            state.set(IDLE);
            return;
        }
        if (fixedRequest != null && !jdkOnly) {
            try {
                nettyConn.execute(this::begin);
            } catch (RuntimeException e) { // the event loop is shut down
                state.set(IDLE);
            }
        } else {
            begin();
        }
    }

    /** Starts one scrape; used by {@link #begin} and by tests. */
    CompletableFuture<Void> scrapeAsync() {
        if (nettyConn != null && !jdkOnly) {
            return scrapeNetty();
        }
        return scrapeJdk(clock.millis(), System.nanoTime());
    }

    /** One scrape over the loop's kept-alive Netty connection, with headers built now (files are read). */
    private CompletableFuture<Void> scrapeNetty() {
        if (fixedRequest != null) {
            return startNetty(fixedRequest);
        }
        byte[] request;
        try {
            request = NettyScrapeClient.encodeRequest(requestTarget, nettyConn.hostHeader(), requestHeaders());
        } catch (IOException | RuntimeException e) {
            long start = clock.millis();
            long startNanos = System.nanoTime();
            CompletableFuture<Void> result = new CompletableFuture<>();
            BodyCollector collector = new BodyCollector(takeSpare(), cfg.bodySizeLimit());
            completeNetty(start, startNanos, new NettyScrapeClient.Result(0, "", "", collector, e), result);
            return result;
        }
        return startNetty(request);
    }

    private byte[] takeSpare() {
        byte[] buf = spare;
        if (buf != null) {
            spare = null;
            return buf;
        }
        return bodies.take();
    }

    /**
     * Gives back a body array nothing reads or writes any more: to the shared pool, or, when it is
     * too large to pool, returns it for this loop to keep (null when it is mostly empty: one huge
     * response should not pin tens of megabytes per target forever).
     */
    private byte[] release(byte[] buf, int used) {
        if (buf == null) {
            return null;
        }
        if (buf.length <= BodyBuffers.MAX_POOLED_BYTES) {
            bodies.give(buf);
            return null;
        }
        return used < buf.length / 4 ? null : buf;
    }

    /** Sends {@code request}; the parse and append run on the worker. */
    private CompletableFuture<Void> startNetty(byte[] request) {
        long start = clock.millis();
        long startNanos = System.nanoTime();
        CompletableFuture<Void> result = new CompletableFuture<>();
        BodyCollector collector = new BodyCollector(takeSpare(), cfg.bodySizeLimit());
        nettyConn.get(request, target.timeoutMs(), collector, r -> {
            try {
                worker.execute(() -> completeNetty(start, startNanos, r, result));
            } catch (RuntimeException e) { // the worker pool is shut down: the manager is closing
                done();
                result.complete(null);
            }
        });
        return result;
    }

    private void completeNetty(long start, long startNanos, NettyScrapeClient.Result r, CompletableFuture<Void> result) {
        try {
            if (r.error() == null && r.status() >= 300 && r.status() < 400 && cfg.http().followRedirects()) {
                // Redirects are the JDK client's job; this and later scrapes of the target go there.
                jdkOnly = true;
                spare = release(r.body().buf, r.body().len);
                scrapeJdk(start, startNanos).whenComplete((v, t) -> result.complete(null));
                return;
            }
            finish(start, startNanos, r.status(), r.contentType(), r.contentEncoding(), r.body(), r.error());
        } catch (RuntimeException e) {
            LOG.error("scrape of {} failed unexpectedly", target.url(), e);
        }
        done();
        result.complete(null);
    }

    private CompletableFuture<Void> scrapeJdk(long start, long startNanos) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(target.url()))
                .GET()
                .timeout(Duration.ofMillis(target.timeoutMs()))
                .header("Accept", accept)
                .header("Accept-Encoding", cfg.enableCompression() ? "gzip" : "identity")
                .header("User-Agent", USER_AGENT)
                .header("X-Prometheus-Scrape-Timeout-Seconds", timeoutHeader);
        BodyCollector collector = new BodyCollector(takeSpare(), cfg.bodySizeLimit());
        current = collector;
        CompletableFuture<HttpResponse<BodyCollector>> f;
        try {
            HttpClients.authorize(rb, cfg.http());
            HttpClients.customHeaders(rb, cfg.http());
            f = client.sendAsync(rb.build(), info -> {
                if (info.statusCode() != 200) {
                    return HttpResponse.BodySubscribers.replacing(null);
                }
                return collector;
            });
        } catch (IOException | RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.orTimeout(target.timeoutMs(), TimeUnit.MILLISECONDS)
                .handle((resp, err) -> {
                    try {
                        if (err != null || resp == null) {
                            finish(start, startNanos, 0, "", "", collector, err != null ? err : new IOException("no response"));
                        } else {
                            finish(start, startNanos, resp.statusCode(),
                                    resp.headers().firstValue("Content-Type").orElse(""),
                                    resp.headers().firstValue("Content-Encoding").orElse(""),
                                    resp.statusCode() == 200 ? resp.body() : collector, null);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("scrape of {} failed unexpectedly", target.url(), e);
                    } finally {
                        done();
                    }
                    return null;
                });
    }

    private static String timeoutSeconds(long ms) {
        return String.format(Locale.ROOT, "%s", ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0));
    }

    private void finish(long start, long startNanos, int status, String contentType, String contentEncoding,
            BodyCollector collector, Throwable err) {
        current = null;
        String error = null;
        BodyCollector received = null; // a 200 response's body: given back once parsed
        int inflatedLen = 0;
        ExpositionParser parser = null;
        byte[] body = null;
        int len = 0;
        if (err != null) {
            collector.abandon();
            error = describe(err);
        } else if (status != 200) {
            spare = release(collector.buf, collector.len);
            error = "server returned HTTP status " + status + " " + reason(status);
        } else {
            BodyCollector c = collector;
            received = c;
            body = c.buf;
            len = c.len;
            if (contentEncoding.equalsIgnoreCase("gzip")) {
                try {
                    len = gunzip(body, len);
                    inflatedLen = len;
                    body = inflated;
                } catch (IOException e) {
                    error = e.getMessage();
                }
            }
            if (error == null) {
                String ct = contentType;
                parser = parserFor(ct);
                if (parser == null) {
                    error = "received unsupported Content-Type \"" + ct + "\" and no fallback_scrape_protocol specified for target";
                }
            }
        }
        if (!running && err != null) {
            return; // stopped while in flight: no status, no samples
        }
        try {
            append(start, startNanos, parser, body, len, error);
        } finally {
            if (parser != null) {
                parser.reset(NO_BYTES, 0, 0); // the body array goes back to the pool: no reference left
            }
            if (received != null) {
                spare = release(received.buf, received.len);
                inflated = release(inflated, inflatedLen);
            }
        }
    }

    /** Appends a scrape's samples (when {@code error} is null) or its failure, and the report series. */
    private void append(long start, long startNanos, ExpositionParser parser, byte[] body, int len, String error) {
        synchronized (lock) {
            Appender app = storage.appender();
            boolean ok = false;
            try {
                if (error == null) {
                    error = ingester.ingest(app, parser, body, len, start);
                    if (error != null) {
                        app.rollback();
                        app = storage.appender();
                    }
                } else {
                    ingester.skipIteration();
                    ingester.resetCounters();
                }
                if (error != null) {
                    ingester.failed(app, start);
                }
                double dur = (System.nanoTime() - startNanos) / 1e9;
                ingester.report(app, start, error == null, dur, target.timeoutMs(), bodyBytes(error, len));
                app.commit();
                ok = true;
                lastDurationSeconds = dur;
            } finally {
                if (!ok) {
                    app.rollback();
                }
            }
            lastScrapeMs = start;
            lastError = error == null ? "" : error;
            health = error == null ? "up" : "down";
        }
        if (error != null) {
            LOG.debug("scrape of {} failed: {}", target.url(), error);
        }
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** {@code scrape_body_size_bytes}: the uncompressed size, -1 when over the limit, 0 on other failures. */
    private static long bodyBytes(String error, int len) {
        if (error == null) {
            return len;
        }
        return error.startsWith("body size limit exceeded") ? -1 : 0;
    }

    private ExpositionParser parserFor(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        int semi = ct.indexOf(';');
        String media = (semi < 0 ? ct : ct.substring(0, semi)).trim();
        switch (media) {
            case "text/plain":
                return textParser;
            case "application/openmetrics-text":
                return omParser;
            default:
                String fb = cfg.fallbackScrapeProtocol();
                if (fb == null) {
                    return null;
                }
                return fb.startsWith("OpenMetrics") ? omParser : fb.startsWith("PrometheusText") ? textParser : null;
        }
    }

    /** Inflates a gzip body into {@link #inflated} (taken from the pool), enforcing the body size limit after decompression. */
    private int gunzip(byte[] in, int len) throws IOException {
        if (len < 18 || (in[0] & 0xff) != 0x1f || (in[1] & 0xff) != 0x8b || in[2] != 8) {
            throw new IOException("invalid gzip body");
        }
        int flg = in[3] & 0xff;
        int p = 10;
        if ((flg & 4) != 0) {
            p += 2 + ((in[p] & 0xff) | (in[p + 1] & 0xff) << 8);
        }
        if ((flg & 8) != 0) {
            while (p < len && in[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flg & 16) != 0) {
            while (p < len && in[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flg & 2) != 0) {
            p += 2;
        }
        inflater.reset();
        inflater.setInput(in, p, len - p);
        long limit = cfg.bodySizeLimit();
        if (inflated == null) {
            inflated = bodies.take();
        }
        int n = 0;
        try {
            while (!inflater.finished()) {
                if (n == inflated.length) {
                    if (limit > 0 && n >= limit) {
                        throw new IOException(new BodyCollector.TooLarge(limit).getMessage());
                    }
                    inflated = Arrays.copyOf(inflated, inflated.length * 2);
                }
                int r = inflater.inflate(inflated, n, inflated.length - n);
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated gzip body");
                }
                n += r;
                if (limit > 0 && n > limit) {
                    throw new IOException(new BodyCollector.TooLarge(limit).getMessage());
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("invalid gzip body: " + e.getMessage());
        }
        return n;
    }

    private String describe(Throwable err) {
        Throwable t = err;
        while ((t instanceof CompletionException || t.getClass() == java.util.concurrent.ExecutionException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof BodyCollector.TooLarge) {
            return t.getMessage();
        }
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return "scrape timed out after " + Durations.format(target.timeoutMs()) + " (context deadline exceeded)";
        }
        if (t instanceof IOException && t.getCause() instanceof BodyCollector.TooLarge) {
            return t.getCause().getMessage();
        }
        String m = t.getMessage();
        if (t instanceof java.net.ConnectException && m != null && m.contains("refused")) {
            // Both transports' exceptions (the JDK's and Netty's subclass) read as Prometheus's Go error.
            URI u = URI.create(target.url());
            return "Get \"" + target.url() + "\": dial tcp " + u.getHost() + ":" + (u.getPort() > 0 ? u.getPort()
                    : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80) + ": connect: connection refused";
        }
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }
}
