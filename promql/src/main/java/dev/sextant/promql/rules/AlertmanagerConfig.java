package dev.sextant.promql.rules;

import java.util.List;

/**
 * One {@code alerting.alertmanagers} entry with static targets, as the server's config loader passes it.
 * Immutable; thread-safe.
 *
 * @param scheme {@code http} or {@code https}
 * @param pathPrefix {@code path_prefix}, default {@code /}
 * @param timeoutMs {@code timeout}, default 10s
 * @param apiVersion {@code api_version}; only {@code v2} is supported
 * @param targets {@code static_configs[].targets}, {@code host:port}
 * @param basicAuthUser {@code basic_auth.username}, or null
 * @param basicAuthPassword {@code basic_auth.password}, or null
 * @param bearerToken {@code authorization.credentials} (type Bearer), or null
 */
public record AlertmanagerConfig(String scheme, String pathPrefix, long timeoutMs, String apiVersion,
        List<String> targets, String basicAuthUser, String basicAuthPassword, String bearerToken) {

    public AlertmanagerConfig {
        scheme = scheme == null || scheme.isEmpty() ? "http" : scheme;
        pathPrefix = pathPrefix == null || pathPrefix.isEmpty() ? "/" : pathPrefix;
        timeoutMs = timeoutMs <= 0 ? 10_000 : timeoutMs;
        apiVersion = apiVersion == null || apiVersion.isEmpty() ? "v2" : apiVersion;
        if (!apiVersion.equals("v2")) {
            throw new IllegalArgumentException("unsupported alertmanager api_version: " + apiVersion
                    + " (only v2 is supported)");
        }
        targets = List.copyOf(targets);
    }

    /** Static targets with Prometheus's defaults. */
    public static AlertmanagerConfig of(List<String> targets) {
        return new AlertmanagerConfig("http", "/", 10_000, "v2", targets, null, null, null);
    }

    /** {@code <scheme>://<target><path_prefix joined with /api/v2/alerts>} for each target. */
    public List<String> alertsUrls() {
        String prefix = pathPrefix.endsWith("/") ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
        if (!prefix.isEmpty() && !prefix.startsWith("/")) {
            prefix = "/" + prefix;
        }
        String p = prefix;
        return targets.stream().map(t -> scheme + "://" + t + p + "/api/v2/alerts").toList();
    }
}
