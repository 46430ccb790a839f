package dev.sextant.api.app;

import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.HttpServer;
import dev.sextant.api.http.Router;
import dev.sextant.api.remote.RemoteWriteHandler;
import dev.sextant.api.v1.BuildInfo;
import dev.sextant.api.v1.Envelope;
import dev.sextant.api.v1.ErrorType;
import dev.sextant.api.v1.QueryHandler;
import dev.sextant.api.v1.StatusHandlers;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens storage, builds the query engine and the HTTP routes, and owns their
 * lifecycle. The only class that knows every module.
 *
 * <p>Lifecycle: {@link #start(ServerOptions)} then {@link #close()}. Thread-safety: thread-safe.
 */
public final class SextantServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SextantServer.class);

    private final ServerOptions options;
    private final ConfigFile config;
    private final MemoryStorage storage;
    private final HttpServer http;
    private final AtomicBoolean ready = new AtomicBoolean();

    private SextantServer(ServerOptions options, ConfigFile config, MemoryStorage storage, HttpServer http) {
        this.options = options;
        this.config = config;
        this.storage = storage;
        this.http = http;
    }

    /**
     * Loads the configuration, opens storage and starts serving.
     *
     * @throws ConfigFile.ConfigException for an invalid configuration file
     * @throws IOException when the data directory cannot be created
     */
    public static SextantServer start(ServerOptions options) throws Exception {
        ConfigFile config = options.configFile() == null ? ConfigFile.builtIn() : ConfigFile.load(options.configFile());
        Files.createDirectories(options.dataDir());
        MemoryStorage storage = new MemoryStorage();
        QueryEngine engine = new QueryEngine(new EngineOptions(options.lookbackDelta(), options.queryTimeout(),
                options.queryMaxSamples()));
        AtomicBoolean ready = new AtomicBoolean();
        Router router = new Router();
        router.getPost("/api/v1/query", new QueryHandler(engine, storage, System::currentTimeMillis));
        router.get("/api/v1/status/buildinfo", StatusHandlers.buildInfo(buildInfo()));
        router.get("/-/healthy", StatusHandlers.healthy());
        router.get("/-/ready", StatusHandlers.ready(ready::get));
        if (options.enableRemoteWriteReceiver()) {
            router.post("/api/v1/write", new RemoteWriteHandler(storage));
        } else {
            router.post("/api/v1/write", r -> Envelope.error(ErrorType.NOT_FOUND,
                    "remote write receiver needs to be enabled with --web.enable-remote-write-receiver"));
        }
        router.get("/", r -> ApiResponse.text(200, "Sextant is running. See /api/v1/query.\n"));
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        HttpServer http = new HttpServer(options.listenHost(), options.listenPort(), router, threads);
        try {
            http.start();
        } catch (Exception e) {
            http.close();
            throw e;
        }
        SextantServer server = new SextantServer(options, config, storage, http);
        ready.set(true);
        server.ready.set(true);
        log.info("msg=\"Server is ready to receive web requests.\" config=\"{}\" storage.tsdb.path={}",
                config.source(), options.dataDir());
        return server;
    }

    public int port() {
        return http.port();
    }

    public ConfigFile config() {
        return config;
    }

    public ServerOptions options() {
        return options;
    }

    public boolean isReady() {
        return ready.get();
    }

    @Override
    public void close() {
        ready.set(false);
        http.close();
        log.info("msg=\"See you next time!\"");
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
