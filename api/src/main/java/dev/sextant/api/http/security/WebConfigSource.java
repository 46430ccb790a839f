package dev.sextant.api.http.security;

import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The web configuration file, re-read the way the exporter toolkit re-reads it: on every request
 * (basic-auth users, headers) and on every new TLS connection (certificate, key, CA and TLS
 * settings), so a renewed certificate or a changed password applies without a restart. The file is
 * read each time but parsed only when its bytes change; the {@link SslContext} is rebuilt only when
 * the file or one of the certificate, key or CA files it names changes.
 *
 * <p>Thread-safety: thread-safe (racing callers may both rebuild; the results are equal).
 */
public final class WebConfigSource {
    private final Path file;
    private final Path dir;
    private volatile Parsed parsed;
    private volatile Built built;

    private record Parsed(byte[] bytes, WebConfig config) {}

    private record Built(byte[] fingerprint, SslContext context) {}

    public WebConfigSource(Path file) {
        this.file = file;
        this.dir = file.toAbsolutePath().getParent();
    }

    public Path file() {
        return file;
    }

    /** The configuration as the file says now. */
    public WebConfig current() throws WebConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WebConfigException("open " + file + ": no such file or directory");
        } catch (IOException e) {
            throw new WebConfigException("open " + file + ": " + e.getMessage());
        }
        Parsed p = parsed;
        if (p != null && Arrays.equals(p.bytes(), bytes)) {
            return p.config();
        }
        WebConfig c = WebConfig.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8), dir);
        parsed = new Parsed(bytes, c);
        return c;
    }

    /** The TLS context for a new connection. @throws WebConfigException when the file no longer configures usable TLS */
    public SslContext sslContext() throws WebConfigException {
        WebConfig c = current();
        if (!c.tls().enabled()) {
            throw new WebConfigException(file + ": TLS config is not present");
        }
        byte[] fp = fingerprint(c);
        Built b = built;
        if (b != null && Arrays.equals(b.fingerprint(), fp)) {
            return b.context();
        }
        SslContext ctx = TlsContexts.build(c);
        built = new Built(fp, ctx);
        return ctx;
    }

    /** A digest of the parsed file and the bytes of every file it names: equal digests mean an equal context. */
    private byte[] fingerprint(WebConfig c) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update(parsed.bytes());
        for (Path p : new Path[] {c.tls().certFile(), c.tls().keyFile(), c.tls().clientCaFile()}) {
            md.update((byte) 0);
            if (p != null) {
                try {
                    md.update(Files.readAllBytes(p));
                } catch (IOException e) {
                    md.update(("unreadable:" + e).getBytes(StandardCharsets.UTF_8)); // build() reports it
                }
            }
        }
        return md.digest();
    }
}
