package dev.sextant.scrape.config;

import java.util.Map;

/**
 * The HTTP client block shared by scrape configs and SD configs. Relative file names are already
 * resolved against the config file's directory. Files ({@code *_file}) are read on each request by
 * the users of this record, so rotated secrets are picked up.
 *
 * <p>Thread-safety: immutable.
 */
public record HttpClientConfig(
        BasicAuth basicAuth,
        Authorization authorization,
        TlsConfig tls,
        Map<String, Object> oauth2,
        String proxyUrl,
        String noProxy,
        boolean proxyFromEnvironment,
        boolean followRedirects,
        boolean enableHttp2,
        Map<String, Object> httpHeaders) {

    /** Prometheus's defaults: no auth, follow redirects, HTTP/2 on. */
    public static final HttpClientConfig DEFAULT = new HttpClientConfig(
            null, null, TlsConfig.DEFAULT, null, null, null, false, true, true, null);

    /** {@code basic_auth}; a {@code *_file} wins over the inline value when both are set. */
    public record BasicAuth(String username, String usernameFile, String password, String passwordFile) {}

    /** {@code authorization} (and the legacy {@code bearer_token[_file]}); type defaults to Bearer. */
    public record Authorization(String type, String credentials, String credentialsFile) {}

    /** {@code tls_config}; versions as written ({@code TLS12}), null = default. */
    public record TlsConfig(
            String ca, String caFile, String cert, String certFile, String key, String keyFile,
            String serverName, boolean insecureSkipVerify, String minVersion, String maxVersion) {
        public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null, null, null, null, false, null, null);
    }
}
