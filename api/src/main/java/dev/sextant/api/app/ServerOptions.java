package dev.sextant.api.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server needs from the command line, named after Prometheus's flags.
 *
 * @param configFile {@code --config.file}; null for the built-in default
 * @param dataDir {@code --storage.tsdb.path}
 * @param listenHost host part of {@code --web.listen-address}
 * @param listenPort port part of {@code --web.listen-address} (0 picks a free port)
 * @param retentionSize {@code --storage.tsdb.retention.size} in bytes, 0 for no limit
 * @param queryMaxConcurrency {@code --query.max-concurrency}, queries evaluated at once (default 20)
 * @param webConfigFile {@code --web.config.file} (TLS, basic auth, headers); null for plain, open HTTP
 * @param walCompression {@code --storage.tsdb.wal-compression} (default on, as in Prometheus)
 */
public record ServerOptions(Path configFile, Path dataDir, String listenHost, int listenPort,
        boolean enableRemoteWriteReceiver, boolean enableLifecycle, boolean enableAdminApi,
        Duration queryTimeout, long queryMaxSamples, Duration lookbackDelta, Duration retentionTime,
        long retentionSize, int queryMaxConcurrency, Path webConfigFile, boolean walCompression) {

    /** Options without a web configuration file, with WAL compression on (the default). */
    public ServerOptions(Path configFile, Path dataDir, String listenHost, int listenPort,
            boolean enableRemoteWriteReceiver, boolean enableLifecycle, boolean enableAdminApi,
            Duration queryTimeout, long queryMaxSamples, Duration lookbackDelta, Duration retentionTime,
            long retentionSize, int queryMaxConcurrency) {
        this(configFile, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, enableLifecycle, enableAdminApi,
                queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency, null, true);
    }

    /** With a web configuration file (or null), WAL compression on. */
    public ServerOptions(Path configFile, Path dataDir, String listenHost, int listenPort,
            boolean enableRemoteWriteReceiver, boolean enableLifecycle, boolean enableAdminApi,
            Duration queryTimeout, long queryMaxSamples, Duration lookbackDelta, Duration retentionTime,
            long retentionSize, int queryMaxConcurrency, Path webConfigFile) {
        this(configFile, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, enableLifecycle, enableAdminApi,
                queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                webConfigFile, true);
    }

    /** Defaults as Prometheus has them, listening on {@code host:port}. */
    public static ServerOptions defaults(Path dataDir, String host, int port) {
        return new ServerOptions(null, dataDir, host, port, false, false, false, Duration.ofMinutes(2),
                50_000_000L, Duration.ofMinutes(5), Duration.ofDays(15), 0, 20);
    }

    public ServerOptions withRemoteWriteReceiver(boolean on) {
        return new ServerOptions(configFile, dataDir, listenHost, listenPort, on, enableLifecycle, enableAdminApi,
                queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                webConfigFile, walCompression);
    }

    public ServerOptions withConfigFile(Path file) {
        return new ServerOptions(file, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, enableLifecycle,
                enableAdminApi, queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                webConfigFile, walCompression);
    }

    public ServerOptions withWebConfigFile(Path file) {
        return new ServerOptions(configFile, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, enableLifecycle,
                enableAdminApi, queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                file, walCompression);
    }

    public ServerOptions withLifecycle(boolean on) {
        return new ServerOptions(configFile, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, on,
                enableAdminApi, queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                webConfigFile, walCompression);
    }

    public ServerOptions withWalCompression(boolean on) {
        return new ServerOptions(configFile, dataDir, listenHost, listenPort, enableRemoteWriteReceiver, enableLifecycle,
                enableAdminApi, queryTimeout, queryMaxSamples, lookbackDelta, retentionTime, retentionSize, queryMaxConcurrency,
                webConfigFile, on);
    }
}
