package dev.sextant.api.v1;

/**
 * {@code /api/v1/status/runtimeinfo}: Prometheus's field names, with the JVM's analogues where
 * Prometheus reports Go runtime values (threads for goroutines, processors for GOMAXPROCS, the
 * heap limit for GOMEMLIMIT).
 */
public record RuntimeInfo(String startTime, String cwd, String hostname, String serverTime,
        boolean reloadConfigSuccess, String lastConfigTime, long corruptionCount, long goroutineCount,
        int gomaxprocs, long gomemlimit, String gogc, String godebug, String storageRetention) {}
