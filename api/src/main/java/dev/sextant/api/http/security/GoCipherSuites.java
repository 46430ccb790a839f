package dev.sextant.api.http.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Go's cipher-suite names (those of {@code tls.CipherSuites()}, which the toolkit accepts in
 * {@code cipher_suites}) mapped to JSSE names. Both follow the IANA registry, so the map is the
 * identity on names, but it is spelled out: a Go name that JSSE lacks, or that Go calls insecure,
 * must be a clear error, not a silent pass-through.
 *
 * <p>As in Go, {@code cipher_suites} only governs TLS 1.0 to 1.2: TLS 1.3 suites are not
 * configurable, so the TLS 1.3 names are accepted and ignored, and all TLS 1.3 suites stay on.
 */
final class GoCipherSuites {
    private GoCipherSuites() {}

    /** Go name to JSSE name, TLS 1.2 and below. */
    static final Map<String, String> TLS12 = new LinkedHashMap<>();
    /** TLS 1.3 suites: Go and JSSE agree on names; never configurable. */
    static final Map<String, String> TLS13 = new LinkedHashMap<>();

    static {
        // RSA key exchange: listed by tls.CipherSuites() up to Go 1.21 (promtool from Debian 12 accepts them).
        for (String s : new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
                "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}) {
            TLS12.put(s, s);
        }
        for (String s : new String[] {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
            TLS13.put(s, s);
        }
    }

    static boolean isKnown(String goName) {
        return TLS12.containsKey(goName) || TLS13.containsKey(goName);
    }
}
