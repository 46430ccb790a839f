package dev.sextant.api.v1;

/**
 * What {@code /api/v1/status/buildinfo} reports. {@code version} is what Grafana reads to decide
 * which Prometheus features it may use.
 */
public record BuildInfo(String version, String revision, String branch, String buildUser, String buildDate,
        String goVersion) {}
