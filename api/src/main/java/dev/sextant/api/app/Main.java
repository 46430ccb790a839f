package dev.sextant.api.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sextant} command: with no subcommand it runs the server. Flags carry Prometheus's
 * names so a Prometheus command line works unchanged.
 */
@Command(name = "sextant", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A Prometheus-compatible time-series database.", subcommands = {CheckCommand.class, TestCommand.class, TsdbCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--config.file", paramLabel = "FILE",
            description = "Prometheus configuration file path (default: built-in configuration).")
    Path configFile;

    @Option(names = "--storage.tsdb.path", paramLabel = "DIR", defaultValue = "data/",
            description = "Base path for metrics storage (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--web.listen-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:9090",
            description = "Address to listen on for the UI, API and telemetry (default: ${DEFAULT-VALUE}).")
    String listenAddress;

    @Option(names = "--web.enable-remote-write-receiver", negatable = true,
            description = "Enable the API endpoint accepting remote write requests.")
    boolean remoteWriteReceiver;

    @Option(names = "--web.enable-lifecycle", negatable = true,
            description = "Enable shutdown and reload via HTTP request.")
    boolean lifecycle;

    @Option(names = "--web.enable-admin-api", negatable = true,
            description = "Enable API endpoints for admin control actions.")
    boolean adminApi;

    @Option(names = "--query.timeout", paramLabel = "DURATION", defaultValue = "2m",
            converter = DurationConverter.class, description = "Maximum time a query may take (default: ${DEFAULT-VALUE}).")
    Duration queryTimeout;

    @Option(names = "--query.max-samples", paramLabel = "N", defaultValue = "50000000",
            description = "Maximum number of samples a single query can load (default: ${DEFAULT-VALUE}).")
    long maxSamples;

    @Option(names = "--query.lookback-delta", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class, description = "Lookback for instant selectors (default: ${DEFAULT-VALUE}).")
    Duration lookbackDelta;

    @Option(names = "--storage.tsdb.retention.time", paramLabel = "DURATION", defaultValue = "15d",
            converter = DurationConverter.class, description = "How long to retain samples (default: ${DEFAULT-VALUE}).")
    Duration retentionTime;

    @Option(names = "--storage.tsdb.retention.size", paramLabel = "SIZE", defaultValue = "0B",
            converter = ByteSizeConverter.class,
            description = "Maximum number of bytes that can be stored for blocks, e.g. 512MB (default: no limit).")
    long retentionSize;

    @Option(names = "--web.config.file", paramLabel = "FILE",
            description = "Path to configuration file that can enable TLS or authentication (Prometheus's web-config format).")
    Path webConfigFile;

    @Option(names = "--storage.tsdb.wal-compression", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Compress the WAL with Snappy, as Prometheus does by default (default: ${DEFAULT-VALUE}); "
                    + "both kinds of record are always readable.")
    boolean walCompression;

    // Kingpin's negated boolean form; picocli's own negation does not apply to names with dots.
    @Option(names = "--no-storage.tsdb.wal-compression", description = "Write the WAL uncompressed.")
    boolean noWalCompression;

    @Option(names = "--query.max-concurrency", paramLabel = "N", defaultValue = "20",
            description = "Maximum number of queries executed concurrently (default: ${DEFAULT-VALUE}).")
    int maxConcurrency;

    boolean walCompression() {
        return walCompression && !noWalCompression;
    }

    /**
     * The common fork-join pool's parallelism is one less than the processor count, so on one or
     * two processors it is 1 and every {@code CompletableFuture} step that the JDK runs on the
     * "default executor" starts a new thread instead: the JDK's {@code HttpClient.sendAsync}
     * completes each response there, which cost a thread per scrape (10,854 threads in 165 s of
     * 1,000 targets). At least 2 makes it a pool. Must run before anything touches the pool.
     */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    static void ensureCommonPoolParallelism() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }

    /**
     * Netty's leak detector samples one buffer in 128 by default and records a stack trace for it
     * (a {@code Throwable} per sampled buffer and per touch): 0.3-1.2 % of a small query's server
     * CPU in the query7 profile. The server turns it off unless the property is given; tests,
     * which start {@code HttpServer} without {@code main}, keep Netty's default.
     */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    static void ensureLeakDetectionOff() {
        if (System.getProperty(LEAK_DETECTION) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
    }

    public static void main(String[] args) {
        ensureCommonPoolParallelism();
        ensureLeakDetectionOff();
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("sextant: error: " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        HostPort hp = HostPort.parse(listenAddress);
        ServerOptions options = new ServerOptions(configFile, dataDir, hp.host(), hp.port(), remoteWriteReceiver,
                lifecycle, adminApi, queryTimeout, maxSamples, lookbackDelta, retentionTime, retentionSize, maxConcurrency,
                webConfigFile, walCompression());
        SextantServer server;
        try {
            server = SextantServer.start(options);
        } catch (ConfigFile.ConfigException e) {
            System.err.println("sextant: error: " + e.getMessage());
            return 1;
        } catch (dev.sextant.api.http.security.WebConfigException e) {
            System.err.println("sextant: error: Unable to validate web configuration file: " + e.getMessage());
            return 1;
        } catch (io.netty.channel.ChannelException | java.net.BindException e) {
            System.err.println("sextant: error: listen tcp " + listenAddress + ": " + e.getMessage());
            return 1;
        } catch (dev.sextant.tsdb.storage.StorageException | java.io.UncheckedIOException | java.io.IOException e) {
            System.err.println("sextant: error: opening storage " + dataDir + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        installReloadSignal(server);
        server.awaitStop();
        return 0;
    }

    /** SIGHUP reloads the configuration, as in Prometheus. */
    @SuppressWarnings("restriction")
    private static void installReloadSignal(SextantServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> server.reload());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGHUP on this platform: /-/reload still works.
        }
    }

    /** {@code host:port} as Go's net.SplitHostPort reads it; an empty host means all interfaces. */
    record HostPort(String host, int port) {
        static HostPort parse(String s) {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new CommandLine.ParameterException(new CommandLine(new Main()),
                        "invalid --web.listen-address \"" + s + "\": missing port in address");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(new CommandLine(new Main()),
                        "invalid --web.listen-address \"" + s + "\": invalid port");
            }
            return new HostPort(host.isEmpty() ? "0.0.0.0" : host, port);
        }
    }

    /** Reads Prometheus durations such as {@code 15d}, {@code 1h30m}, {@code 500ms}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.ofMillis(dev.sextant.api.v1.Params.parseDuration("duration", value));
            } catch (dev.sextant.api.v1.ApiException e) {
                throw new CommandLine.TypeConversionException("not a valid duration: '" + value + "'");
            }
        }
    }

    /** Reads sizes such as {@code 512MB}, {@code 1GiB}, {@code 0B}; units are powers of 1024 like Prometheus's. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};

        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace("IB", "B");
            int i = 0;
            while (i < v.length() && Character.isDigit(v.charAt(i))) {
                i++;
            }
            if (i == 0) {
                throw new CommandLine.TypeConversionException("not a valid size: '" + value + "'");
            }
            long n = Long.parseLong(v.substring(0, i));
            String unit = v.substring(i);
            if (unit.isEmpty()) {
                unit = "B";
            }
            for (int u = 0; u < UNITS.length; u++) {
                if (UNITS[u].equals(unit)) {
                    return n << (10 * u);
                }
            }
            throw new CommandLine.TypeConversionException("not a valid size: '" + value + "'");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sextant, version " + SextantServer.buildInfo().version()};
        }
    }
}
