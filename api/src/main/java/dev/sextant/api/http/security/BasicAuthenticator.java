package dev.sextant.api.http.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Checks {@code Authorization: Basic} credentials against bcrypt hashes, like the exporter toolkit:
 * outcomes (good and bad) are cached per user, hash and password, so bcrypt runs once per distinct
 * credential rather than per request; an unknown user is compared against a decoy hash so response
 * time does not reveal which users exist; and bcrypt runs on one dedicated thread (the toolkit
 * serialises it with a mutex), never on a Netty event loop.
 *
 * <p>The cache is keyed by a SHA-256 digest of user, hash and password, so no password is kept in
 * memory. Thread-safety: thread-safe. Lifecycle: {@link #close()} stops the bcrypt thread.
 */
public final class BasicAuthenticator implements AutoCloseable {
    /** Entries kept; the least recently used goes first. */
    static final int CACHE_SIZE = 100;

    private final ExecutorService bcryptThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "basic-auth-bcrypt");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Boolean> cache = new LinkedHashMap<>(CACHE_SIZE * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    private volatile String decoy;
    private volatile long bcryptRuns;

    /** Credentials taken from a header: user and password. */
    record Credentials(String user, String password) {}

    /** Parses an {@code Authorization} header as Go's {@code Request.BasicAuth} does; null when absent or malformed. */
    static Credentials parse(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String s = new String(raw, StandardCharsets.UTF_8);
        int colon = s.indexOf(':');
        return colon < 0 ? null : new Credentials(s.substring(0, colon), s.substring(colon + 1));
    }

    /** The cached outcome for these credentials, or null when bcrypt has to run. Cheap: safe on an event loop. */
    Boolean cached(Map<String, String> users, Credentials c) {
        String hash = users.get(c.user());
        if (hash == null) {
            hash = decoy;
            if (hash == null) {
                return null;
            }
        }
        synchronized (cache) {
            Boolean ok = cache.get(key(c, hash));
            return ok == null ? null : ok && users.containsKey(c.user());
        }
    }

    /** Runs bcrypt on the dedicated thread and caches the outcome. */
    CompletableFuture<Boolean> verify(Map<String, String> users, Credentials c) {
        return CompletableFuture.supplyAsync(() -> verifyNow(users, c), bcryptThread);
    }

    /** Verifies synchronously (blocking for bcrypt on a miss). */
    boolean verifyNow(Map<String, String> users, Credentials c) {
        Boolean cachedOk = cached(users, c);
        if (cachedOk != null) {
            return cachedOk;
        }
        String hash = users.get(c.user());
        boolean known = hash != null;
        if (!known) {
            hash = decoy();
        }
        boolean ok = Bcrypt.matches(c.password(), hash);
        bcryptRuns++;
        synchronized (cache) {
            cache.put(key(c, hash), ok);
        }
        return ok && known;
    }

    /** How many bcrypt comparisons ran (cache misses); for tests and self-metrics. */
    public long bcryptRuns() {
        return bcryptRuns;
    }

    private String decoy() {
        String d = decoy;
        if (d == null) {
            d = Bcrypt.hash("decoy password for unknown users", 10);
            decoy = d;
        }
        return d;
    }

    private static String key(Credentials c, String hash) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {c.user(), hash, c.password()}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                md.update((byte) (b.length >>> 24));
                md.update((byte) (b.length >>> 16));
                md.update((byte) (b.length >>> 8));
                md.update((byte) b.length);
                md.update(b);
            }
            return Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        bcryptThread.shutdownNow();
    }
}
