package dev.sextant.api.http.security;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Promise;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --web.config.file} for the HTTP server: validated once at start-up (a bad file stops the
 * server, as in Prometheus), then re-read per connection and per request. Whether the port speaks
 * TLS is fixed at start-up, as in the toolkit; everything else follows the file.
 *
 * <p>Pipeline: {@link #tlsHandlers()} first on the channel (when {@link #tlsEnabled()}), then the
 * HTTP codec, then {@link #newHttpHandler()}. Thread-safety: thread-safe. Lifecycle: {@link #close()}.
 */
public final class WebSecurity implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSecurity.class);

    /** How long a TLS client may take to finish its handshake. */
    public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final WebConfigSource source;
    private final boolean tls;
    private final BasicAuthenticator authenticator = new BasicAuthenticator();
    private final RateLimiter limiter;

    private WebSecurity(WebConfigSource source, WebConfig initial) {
        this.source = source;
        this.tls = initial.tls().enabled();
        this.limiter = initial.rateLimit().interval().isZero() ? null
                : new RateLimiter(initial.rateLimit().interval(), initial.rateLimit().burst(), System.nanoTime());
    }

    /** Validates {@code file} (including certificates and keys) and prepares serving with it. */
    public static WebSecurity open(Path file) throws WebConfigException {
        WebConfigSource source = new WebConfigSource(file);
        WebConfig c = WebConfig.validate(file);
        if (c.tls().enabled()) {
            source.sslContext(); // primes the cache; fails now rather than on the first connection
        }
        log.info("msg=\"{}\" http2=false users={} file={}", c.tls().enabled() ? "TLS is enabled." : "TLS is disabled.",
                c.users().size(), file);
        return new WebSecurity(source, c);
    }

    public boolean tlsEnabled() {
        return tls;
    }

    public BasicAuthenticator authenticator() {
        return authenticator;
    }

    /** The handlers that go first on a new TLS connection: the plain-HTTP guard, then TLS with the file's current settings. */
    public ChannelHandler[] tlsHandlers() {
        AsyncMapping<String, SslContext> current = (String hostname, Promise<SslContext> promise) -> {
            try {
                return promise.setSuccess(source.sslContext());
            } catch (WebConfigException | RuntimeException e) {
                log.error("msg=\"TLS configuration unusable, refusing the connection\" err=\"{}\"", e.getMessage());
                return promise.setFailure(e);
            }
        };
        return new ChannelHandler[] {new TlsPortGuard(), new SniHandler(current, 16 * 1024, HANDSHAKE_TIMEOUT_MILLIS)};
    }

    /** The per-request handler (auth, rate limit, headers); goes right after the HTTP codec. */
    public ChannelHandler newHttpHandler() {
        return new WebSecurityHandler(source, authenticator, limiter);
    }

    @Override
    public void close() {
        authenticator.close();
    }
}
