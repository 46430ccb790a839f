package dev.sextant.api.app;

import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.api.http.HttpServer;
import dev.sextant.api.http.Router;
import dev.sextant.api.http.security.WebSecurity;
import dev.sextant.api.metrics.ServerMetrics;
import dev.sextant.api.remote.RemoteReadHandler;
import dev.sextant.api.remote.RemoteWriteHandler;
import dev.sextant.api.remote.send.RemoteWriteManager;
import dev.sextant.api.remote.send.RemoteWriteMetrics;
import dev.sextant.api.web.FederateHandler;
import dev.sextant.api.v1.BuildInfo;
import dev.sextant.api.v1.DiscoveryApi;
import dev.sextant.api.v1.QueryApi;
import dev.sextant.api.v1.AdminApi;
import dev.sextant.api.v1.RulesApi;
import dev.sextant.api.v1.RuntimeInfo;
import dev.sextant.api.v1.SeriesApi;
import dev.sextant.api.v1.StatusApi;
import dev.sextant.api.v1.TsdbStatus;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.scrape.loop.ScrapeManager;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.TsdbOptions;
import dev.sextant.tsdb.head.WalReplayProgress;
import dev.sextant.tsdb.storage.Appendable;
import dev.sextant.tsdb.storage.Queryable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens storage, builds the query engine and the HTTP routes, and owns their
 * lifecycle. The only class that knows every module.
 *
 * <p>Lifecycle: {@link #start(ServerOptions)}, then {@link #close()} (also triggered by {@code
 * /-/quit}). Thread-safety: thread-safe.
 */
public final class SextantServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SextantServer.class);

    /** Prometheus's default {@code --storage.remote.read-sample-limit}. */
    static final long REMOTE_READ_SAMPLE_LIMIT = 50_000_000L;

    private final ServerOptions options;
    private final AtomicReference<ConfigFile> config;
    private volatile Tsdb storage;
    /** Storage as the routes see it: usable once the TSDB is open (the readiness gate guards that). */
    private final Queryable queryable = (mint, maxt) -> storage().querier(mint, maxt);
    private final Appendable appendable = () -> storage().appender();
    private final ServerMetrics metrics;
    private ScrapeManager scrapeManager;
    private RulesWiring rules;
    private RemoteWriteManager remoteWrite;
    private WalReplayProgress walProgress;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Instant startTime = Instant.now();
    private volatile boolean lastReloadOk = true;
    private volatile Instant lastConfigTime = Instant.now();
    private HttpServer http;

    private SextantServer(ServerOptions options, ConfigFile config, ServerMetrics metrics) {
        this.options = options;
        this.config = new AtomicReference<>(config);
        this.metrics = metrics;
    }

    /**
     * Loads the configuration, opens storage and starts serving.
     *
     * @throws ConfigFile.ConfigException for an invalid configuration file
     * @throws IOException when the data directory cannot be created
     */
    public static SextantServer start(ServerOptions options) throws Exception {
        ConfigFile config = options.configFile() == null ? ConfigFile.builtIn() : ConfigFile.load(options.configFile());
        // Like Prometheus, a bad web configuration (or an unreadable certificate) stops start-up.
        WebSecurity security = options.webConfigFile() == null ? null : WebSecurity.open(options.webConfigFile());
        Files.createDirectories(options.dataDir());
        ServerMetrics metrics = new ServerMetrics();
        metrics.configReloaded(true, System.currentTimeMillis());
        SextantServer server = new SextantServer(options, config, metrics);
        server.walProgress = new WalReplayProgress();
        try {
            // Rule files are validated before the port opens: a bad file stops startup.
            server.rules = new RulesWiring(server.engine(), server.queryable, server.appendable, config.externalLabels());
            server.rules.apply(config);
            // Replicas scrape the same targets at different offsets, as Prometheus seeds by host name.
            // Nothing is scraped before applyConfig below, once storage is open.
            server.scrapeManager = new ScrapeManager(server.appendable, Clock.systemUTC(), new ScrapeManager.Options(
                    ScrapeManager.Options.DEFAULT.discoveryDelayMs(), ScrapeManager.Options.DEFAULT.httpThreads(),
                    hostname().hashCode()));
            // Like Prometheus, listen while the WAL replays: API calls get 503 and walreplay shows progress.
            server.http = new HttpServer(options.listenHost(), options.listenPort(), server.routes(),
                    Math.max(4, Runtime.getRuntime().availableProcessors() * 2), metrics, security);
            server.http.start();
            server.storage = Tsdb.open(options.dataDir(), TsdbOptions.defaults()
                    .withRetention(options.retentionTime().toMillis())
                    .withRetentionBytes(options.retentionSize())
                    .withWalCompression(options.walCompression()), server.walProgress);
            TsdbAdapters.registerMetrics(metrics, server.storage);
            // Remote write starts before anything is scraped, so a new queue sends every new sample.
            ScrapeManager scrapes = server.scrapeManager;
            server.remoteWrite = new RemoteWriteManager(options.dataDir(), new RemoteWriteMetrics(metrics.registry()),
                    () -> server.storage().head().maxTime(), () -> {
                        java.util.List<RemoteWriteManager.MetricMetadata> out = new java.util.ArrayList<>();
                        for (dev.sextant.scrape.loop.TargetMetadata t : scrapes.targetMetadata()) {
                            out.add(new RemoteWriteManager.MetricMetadata(t.metric(), t.type(), t.help(), t.unit()));
                        }
                        return out;
                    });
            server.remoteWrite.apply(config.remoteWrite(), config.externalLabels());
            server.scrapeManager.applyConfig(config.scrape());
        } catch (Exception e) {
            if (server.http != null) {
                server.http.close();
            } else if (security != null) {
                security.close();
            }
            if (server.scrapeManager != null) {
                server.scrapeManager.close();
            }
            if (server.rules != null) {
                server.rules.close();
            }
            if (server.remoteWrite != null) {
                server.remoteWrite.close();
            }
            if (server.storage != null) {
                server.storage.close();
            }
            throw e;
        }
        server.rules.start();
        server.ready.set(true);
        log.info("msg=\"Server is ready to receive web requests.\" config=\"{}\" storage.tsdb.path={}",
                config.source(), options.dataDir());
        return server;
    }

    private Router routes() {
        QueryEngine engine = engine();
        TsdbStatus tsdbStatus = TsdbAdapters.status(this::storage, walProgress);
        AdminApi admin = new AdminApi(options.enableAdminApi(), TsdbAdapters.admin(this::storage));
        QueryApi query = new QueryApi(engine, queryable, System::currentTimeMillis, metrics::observeQuery,
                options.queryMaxConcurrency());
        SeriesApi series = new SeriesApi(queryable);
        StatusApi status = new StatusApi(buildInfo(), () -> config.get().toYamlWithSecretsHidden(), flags(),
                this::runtimeInfo, tsdbStatus);
        DiscoveryApi discovery = new DiscoveryApi(new ScrapeTargetsView(scrapeManager, config::get));
        RulesApi rulesApi = new RulesApi(rules);
        metrics.counter("sextant_rule_evaluation_failures_total", "The total number of rule evaluation failures.",
                () -> rules.manager().evaluationFailuresTotal());

        Router r = new Router();
        r.getPost("/api/v1/query", Handler.loopFirst(gated(query.instant())));
        r.getPost("/api/v1/query_range", Handler.loopFirst(gated(query.range())));
        r.getPost("/api/v1/query_exemplars", gated(query.exemplars()));
        r.getPost("/api/v1/format_query", gated(query.format()));
        r.getPost("/api/v1/parse_query", gated(query.parse()));
        r.getPost("/api/v1/series", gated(series.series()));
        r.getPost("/api/v1/labels", gated(series.labelNames()));
        r.prefix("/api/v1/label/", Set.of("GET", "POST"), gated(series.labelValues()));
        r.get("/api/v1/targets", gated(discovery.targets()));
        r.get("/api/v1/scrape_pools", gated(discovery.scrapePools()));
        r.get("/api/v1/targets/metadata", gated(discovery.targetMetadata()));
        r.get("/api/v1/metadata", gated(discovery.metadata()));
        r.get("/api/v1/rules", gated(rulesApi.rules()));
        r.get("/api/v1/alerts", gated(rulesApi.alerts()));
        r.get("/api/v1/alertmanagers", gated(rulesApi.alertmanagers()));
        r.get("/api/v1/status/buildinfo", Handler.inline(gated(status.buildInfo())));
        r.get("/api/v1/status/config", gated(status.config()));
        r.get("/api/v1/status/flags", Handler.inline(gated(status.flags())));
        r.get("/api/v1/status/runtimeinfo", gated(status.runtimeInfo()));
        r.get("/api/v1/status/tsdb", gated(status.tsdb()));
        r.get("/api/v1/status/walreplay", Handler.inline(status.walReplay()));
        for (String op : new String[] {"delete_series", "clean_tombstones", "snapshot"}) {
            Handler h = switch (op) {
                case "delete_series" -> admin.deleteSeries();
                case "clean_tombstones" -> admin.cleanTombstones();
                default -> admin.snapshot();
            };
            r.add("/api/v1/admin/tsdb/" + op, Set.of("POST", "PUT"), gated(h));
        }
        if (options.enableRemoteWriteReceiver()) {
            r.post("/api/v1/write", gated(new RemoteWriteHandler(appendable, new RemoteWriteHandler.Listener() {
                @Override
                public void accepted(long samples) {
                    metrics.remoteWriteAccepted(samples);
                }

                @Override
                public void rejected(String reason) {
                    metrics.remoteWriteRejected(reason);
                }
            })));
        } else {
            r.post("/api/v1/write", req -> ApiResponse.text(404,
                    "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n"));
        }
        r.post("/api/v1/read", gated(new RemoteReadHandler(queryable, () -> config.get().externalLabels(),
                REMOTE_READ_SAMPLE_LIMIT)));
        r.get("/federate", gated(new FederateHandler(queryable, System::currentTimeMillis,
                options.lookbackDelta().toMillis(), () -> config.get().externalLabels())));
        // Probes and constant answers run on the event loop (Handler.inline): no hand-off for them.
        r.add("/-/healthy", Set.of("GET", "HEAD"), Handler.inline(StatusApi.healthy()));
        r.add("/-/ready", Set.of("GET", "HEAD"), Handler.inline(StatusApi.ready(ready::get)));
        r.add("/-/reload", Set.of("POST", "PUT"), lifecycle(req -> reload()));
        r.add("/-/quit", Set.of("POST", "PUT"), lifecycle(req -> quit()));
        r.get("/-/reload", Handler.inline(req -> ApiResponse.text(405, "Only POST or PUT requests allowed\n")));
        r.get("/-/quit", Handler.inline(req -> ApiResponse.text(405, "Only POST or PUT requests allowed\n")));
        r.get("/metrics", metrics.handler());
        r.get("/", Handler.inline(req -> ApiResponse.text(200,
                "Sextant is running. The Prometheus HTTP API is under /api/v1/.\n")));
        return r;
    }

    private QueryEngine engineInstance;

    /** The one query engine, shared by the HTTP API and the rule manager. */
    private synchronized QueryEngine engine() {
        if (engineInstance == null) {
            engineInstance = new QueryEngine(new EngineOptions(options.lookbackDelta(), options.queryTimeout(),
                    options.queryMaxSamples()));
        }
        return engineInstance;
    }

    private Tsdb storage() {
        Tsdb t = storage;
        if (t == null) {
            throw new dev.sextant.tsdb.storage.StorageException("storage is not open yet");
        }
        return t;
    }

    /** Until storage is ready (and while stopping), API handlers answer 503 like Prometheus's. */
    private Handler gated(Handler h) {
        return req -> {
            if (!ready.get()) {
                return ApiResponse.text(503, "Service Unavailable")
                        .withHeader("X-Prometheus-Stopping", Boolean.toString(stopping.get()));
            }
            return h.handle(req);
        };
    }

    private Handler lifecycle(Handler h) {
        return req -> options.enableLifecycle() ? h.handle(req) : ApiResponse.text(403, "Lifecycle API is not enabled.\n");
    }

    /** Reloads the configuration file; the old configuration stays when the new one is invalid. */
    public ApiResponse reload() {
        if (options.configFile() == null) {
            lastReloadOk = true;
            metrics.configReloaded(true, System.currentTimeMillis());
            return ApiResponse.text(200, "");
        }
        try {
            ConfigFile next = ConfigFile.load(options.configFile());
            synchronized (this) {
                rules.apply(next);
                scrapeManager.applyConfig(next.scrape());
                remoteWrite.apply(next.remoteWrite(), next.externalLabels());
                config.set(next);
            }
            lastReloadOk = true;
            lastConfigTime = Instant.now();
            metrics.configReloaded(true, System.currentTimeMillis());
            log.info("msg=\"Completed loading of configuration file\" filename={}", options.configFile());
            return ApiResponse.text(200, "");
        } catch (ConfigFile.ConfigException | IOException e) {
            lastReloadOk = false;
            metrics.configReloaded(false, System.currentTimeMillis());
            log.error("msg=\"Error reloading config\" err=\"{}\"", e.getMessage());
            return ApiResponse.text(500, "failed to reload config: " + e.getMessage() + "\n");
        }
    }

    private ApiResponse quit() {
        if (!stopping.compareAndSet(false, true)) {
            return ApiResponse.text(200, "Termination already in progress.");
        }
        Thread t = new Thread(this::close, "quit");
        t.setDaemon(true);
        t.start();
        return ApiResponse.text(200, "Requesting termination... Goodbye!");
    }

    private Map<String, String> flags() {
        Map<String, String> f = new java.util.TreeMap<>();
        f.put("config.file", options.configFile() == null ? "" : options.configFile().toString());
        f.put("storage.tsdb.path", options.dataDir().toString());
        f.put("storage.tsdb.retention.time", dev.sextant.tsdb.model.PromDuration.format(options.retentionTime().toMillis()));
        f.put("web.listen-address", options.listenHost() + ":" + options.listenPort());
        f.put("web.enable-remote-write-receiver", Boolean.toString(options.enableRemoteWriteReceiver()));
        f.put("web.enable-lifecycle", Boolean.toString(options.enableLifecycle()));
        f.put("web.enable-admin-api", Boolean.toString(options.enableAdminApi()));
        f.put("web.config.file", options.webConfigFile() == null ? "" : options.webConfigFile().toString());
        f.put("query.timeout", dev.sextant.tsdb.model.PromDuration.format(options.queryTimeout().toMillis()));
        f.put("query.max-samples", Long.toString(options.queryMaxSamples()));
        f.put("query.max-concurrency", Integer.toString(options.queryMaxConcurrency()));
        f.put("storage.tsdb.retention.size", options.retentionSize() + "B");
        f.put("storage.tsdb.wal-compression", Boolean.toString(options.walCompression()));
        f.put("query.lookback-delta", dev.sextant.tsdb.model.PromDuration.format(options.lookbackDelta().toMillis()));
        return f;
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private RuntimeInfo runtimeInfo() {
        String host = hostname();
        Runtime rt = Runtime.getRuntime();
        return new RuntimeInfo(startTime.toString(), Path.of("").toAbsolutePath().toString(), host,
                Instant.now().toString(), lastReloadOk, lastConfigTime.toString(), 0,
                ManagementFactory.getThreadMXBean().getThreadCount(), rt.availableProcessors(), rt.maxMemory(), "", "",
                dev.sextant.tsdb.model.PromDuration.format(options.retentionTime().toMillis()));
    }

    public int port() {
        return http.port();
    }

    public ConfigFile config() {
        return config.get();
    }

    public ServerOptions options() {
        return options;
    }

    public boolean isReady() {
        return ready.get();
    }

    /** Blocks until the server has stopped (by {@link #close()} or {@code /-/quit}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        synchronized (this) {
            if (stopped.getCount() == 0) {
                return;
            }
            stopping.set(true);
            ready.set(false);
            http.close();
            scrapeManager.close();
            rules.close();
            // After scraping and rules stopped and before storage closes: queues flush briefly and
            // persist their WAL position.
            remoteWrite.close();
            try {
                if (storage != null) {
                    storage.close();
                }
            } catch (RuntimeException e) {
                log.error("msg=\"closing storage failed\" err=\"{}\"", e.getMessage(), e);
            }
            stopped.countDown();
            log.info("msg=\"See you next time!\"");
        }
    }

    static BuildInfo buildInfo() {
        String version = "unknown";
        try (InputStream in = SextantServer.class.getResourceAsStream("/sextant-build.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException ignored) {
            // keep "unknown"
        }
        return new BuildInfo(version, "unknown", "unknown", "unknown", "unknown",
                "java" + System.getProperty("java.version"));
    }
}
