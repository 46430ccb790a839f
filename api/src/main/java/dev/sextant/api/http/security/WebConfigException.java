package dev.sextant.api.http.security;

/**
 * A web configuration file ({@code --web.config.file}) that cannot be used. The message names the
 * file and, where the problem sits at one place, the 1-based line and the key, like the rest of
 * Sextant's configuration errors: {@code web.yml:4: tls_server_config.min_version: unknown TLS version: TLS14}.
 * Immutable.
 */
public final class WebConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public WebConfigException(String message) {
        super(message);
    }

    public WebConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    static WebConfigException at(String file, int line, String key, String problem) {
        return new WebConfigException(file + ":" + line + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
    }
}
