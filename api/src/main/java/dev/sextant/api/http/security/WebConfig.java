package dev.sextant.api.http.security;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A parsed {@code --web.config.file} in the Prometheus exporter-toolkit format: TLS for the server
 * ({@code tls_server_config}), extra response headers ({@code http_server_config}), bcrypt-hashed
 * {@code basic_auth_users} and a {@code rate_limit}. Parsing is strict like Go's
 * {@code yaml.UnmarshalStrict}: unknown keys, unknown enum values and malformed hashes are errors
 * naming the file, line and key. Relative file names are resolved against the file's directory.
 *
 * <p>Parsing checks the file alone; {@link TlsContexts#build} also reads the certificate, key and CA
 * files (what {@code promtool check web-config} does is {@link #validate(Path)}: both).
 *
 * <p>Immutable.
 *
 * @param source the file name as given
 * @param tls {@code tls_server_config}
 * @param http {@code http_server_config}
 * @param users {@code basic_auth_users}: user name to bcrypt hash, in file order; empty means no authentication
 * @param rateLimit {@code rate_limit}; {@code interval} zero means no limit
 */
public record WebConfig(String source, Tls tls, Http http, Map<String, String> users, RateLimit rateLimit) {

    /** {@code tls_server_config}. File names are absolute (resolved) or empty; inline PEM text is empty when unset. */
    public record Tls(String cert, String key, String clientCa, Path certFile, Path keyFile, ClientAuthType clientAuth,
            Path clientCaFile, List<String> clientAllowedSans, TlsVersion minVersion, TlsVersion maxVersion,
            List<String> cipherSuites, boolean preferServerCipherSuites, List<String> curvePreferences,
            boolean clientAuthSet) {

        /** Whether the file asks for TLS at all (any certificate, key, CA or client-auth setting), as the toolkit decides. */
        public boolean enabled() {
            return certFile != null || !cert.isEmpty() || keyFile != null || !key.isEmpty() || clientCaFile != null
                    || !clientCa.isEmpty() || clientAuthSet;
        }
    }

    /** {@code http_server_config}: {@code http2} is accepted but Sextant serves HTTP/1.1 only. */
    public record Http(boolean http2, Map<String, String> headers) {}

    /** {@code rate_limit}: a token bucket over all requests; a zero interval disables it. */
    public record RateLimit(Duration interval, int burst) {}

    /** Go's {@code tls.ClientAuthType} names, as the toolkit accepts them. */
    public enum ClientAuthType {
        NO_CLIENT_CERT, REQUEST_CLIENT_CERT, REQUIRE_ANY_CLIENT_CERT, VERIFY_CLIENT_CERT_IF_GIVEN,
        REQUIRE_AND_VERIFY_CLIENT_CERT;

        static ClientAuthType parse(String s) {
            return switch (s) {
                case "", "NoClientCert" -> NO_CLIENT_CERT;
                case "RequestClientCert" -> REQUEST_CLIENT_CERT;
                // RequireClientCert is the toolkit's older spelling, still accepted.
                case "RequireAnyClientCert", "RequireClientCert" -> REQUIRE_ANY_CLIENT_CERT;
                case "VerifyClientCertIfGiven" -> VERIFY_CLIENT_CERT_IF_GIVEN;
                case "RequireAndVerifyClientCert" -> REQUIRE_AND_VERIFY_CLIENT_CERT;
                default -> null;
            };
        }

        /** Whether a client without a certificate is turned away. */
        public boolean requiresCertificate() {
            return this == REQUIRE_ANY_CLIENT_CERT || this == REQUIRE_AND_VERIFY_CLIENT_CERT;
        }

        /** Whether a presented certificate is checked against the client CAs. */
        public boolean verifies() {
            return this == VERIFY_CLIENT_CERT_IF_GIVEN || this == REQUIRE_AND_VERIFY_CLIENT_CERT;
        }
    }

    /** Go's TLS version names and the JSSE protocol names they stand for. */
    public enum TlsVersion {
        TLS10("TLSv1"), TLS11("TLSv1.1"), TLS12("TLSv1.2"), TLS13("TLSv1.3");

        private final String jsse;

        TlsVersion(String jsse) {
            this.jsse = jsse;
        }

        public String jsseName() {
            return jsse;
        }
    }

    static final Set<String> TOP_KEYS = Set.of("tls_server_config", "http_server_config", "basic_auth_users",
            "rate_limit");
    static final Set<String> TLS_KEYS = Set.of("cert", "key", "client_ca", "cert_file", "key_file",
            "client_auth_type", "client_ca_file", "cipher_suites", "curve_preferences", "min_version", "max_version",
            "prefer_server_cipher_suites", "client_allowed_sans");
    static final Set<String> HTTP_KEYS = Set.of("http2", "headers");
    static final Set<String> RATE_KEYS = Set.of("interval", "burst");

    /** The headers the toolkit lets a user set, with their allowed values (null: any value). */
    private static final Map<String, List<String>> ALLOWED_HEADERS = Map.of(
            "Strict-Transport-Security", List.of(),
            "X-Content-Type-Options", List.of("nosniff"),
            "X-Frame-Options", List.of("deny", "sameorigin"),
            "X-XSS-Protection", List.of(),
            "Content-Security-Policy", List.of());

    /** Go's curve names ({@code tls.CurveID}) to JSSE named groups. */
    static final Map<String, String> CURVES = Map.of(
            "CurveP256", "secp256r1",
            "CurveP384", "secp384r1",
            "CurveP521", "secp521r1",
            "X25519", "x25519");

    /** Reads and parses {@code file}; relative names inside resolve against its directory. */
    public static WebConfig load(Path file) throws WebConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WebConfigException("open " + file + ": " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, dir);
    }

    /**
     * Parses and then loads every certificate, key and CA the file names, as Prometheus validates
     * the file at start-up and {@code promtool check web-config} does.
     */
    public static WebConfig validate(Path file) throws WebConfigException {
        WebConfig c = load(file);
        if (c.tls().enabled()) {
            TlsContexts.build(c);
        }
        return c;
    }

    /** Parses {@code text}; {@code dir} resolves relative file names. */
    public static WebConfig parse(String source, String text, Path dir) throws WebConfigException {
        Node root;
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(true); // StrictYamlMap reports duplicates itself, with the line
        opts.setMaxAliasesForCollections(50);
        try {
            root = new Yaml(opts).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw WebConfigException.at(source, line, "", "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw WebConfigException.at(source, 0, "", "invalid YAML: " + e.getMessage());
        }
        StrictYamlMap top = new StrictYamlMap(source, "", "web.Config", root).allow(TOP_KEYS);
        Tls tls = tls(top.map("tls_server_config", "web.TLSConfig").allow(TLS_KEYS), dir);
        Http http = http(top.map("http_server_config", "web.HTTPConfig").allow(HTTP_KEYS));
        Map<String, String> users = users(top);
        RateLimit rate = rateLimit(top.map("rate_limit", "web.RateLimiterConfig").allow(RATE_KEYS));
        return new WebConfig(source, tls, http, Map.copyOf(users), rate);
    }

    private static Tls tls(StrictYamlMap m, Path dir) throws WebConfigException {
        String clientAuthText = m.string("client_auth_type");
        ClientAuthType clientAuth = ClientAuthType.parse(clientAuthText);
        if (clientAuth == null) {
            throw m.error(m.where("client_auth_type"), m.child("client_auth_type"), "invalid ClientAuth: " + clientAuthText);
        }
        TlsVersion min = version(m, "min_version", TlsVersion.TLS12);
        TlsVersion max = version(m, "max_version", TlsVersion.TLS13);
        List<String> ciphers = m.strings("cipher_suites");
        if (ciphers != null) {
            for (String c : ciphers) {
                if (!GoCipherSuites.isKnown(c)) {
                    throw m.error(m.where("cipher_suites"), m.child("cipher_suites"), "unknown cipher: " + c);
                }
            }
        }
        List<String> curves = m.strings("curve_preferences");
        if (curves != null) {
            for (String c : curves) {
                if (!CURVES.containsKey(c)) {
                    throw m.error(m.where("curve_preferences"), m.child("curve_preferences"), "unknown curve: " + c);
                }
            }
        }
        String cert = m.string("cert");
        String key = m.string("key");
        String clientCa = m.string("client_ca");
        Path certFile = file(dir, m.string("cert_file"));
        Path keyFile = file(dir, m.string("key_file"));
        Path caFile = file(dir, m.string("client_ca_file"));
        List<String> sans = m.strings("client_allowed_sans");
        Tls t = new Tls(cert, key, clientCa, certFile, keyFile, clientAuth, caFile,
                sans == null ? null : List.copyOf(sans), min, max, ciphers == null ? List.of() : List.copyOf(ciphers),
                m.bool("prefer_server_cipher_suites", true), curves == null ? List.of() : List.copyOf(curves),
                !clientAuthText.isEmpty());
        if (!t.enabled()) {
            return t;
        }
        if (certFile == null && cert.isEmpty()) {
            throw WebConfigException.at(m.sourceFile(), m.line("cert_file"), "tls_server_config", "missing one of cert or cert_file");
        }
        if (keyFile == null && key.isEmpty()) {
            throw WebConfigException.at(m.sourceFile(), m.line("key_file"), "tls_server_config", "missing one of key or key_file");
        }
        // The toolkit lets the *_file win silently; two sources for one thing is a mistake worth naming.
        if (certFile != null && !cert.isEmpty()) {
            throw m.error(m.where("cert"), m.child("cert"), "cert and cert_file are mutually exclusive");
        }
        if (keyFile != null && !key.isEmpty()) {
            throw m.error(m.where("key"), m.child("key"), "key and key_file are mutually exclusive");
        }
        if (caFile != null && !clientCa.isEmpty()) {
            throw m.error(m.where("client_ca"), m.child("client_ca"), "client_ca and client_ca_file are mutually exclusive");
        }
        if ((caFile != null || !clientCa.isEmpty()) && clientAuth == ClientAuthType.NO_CLIENT_CERT) {
            throw m.error(m.where("client_auth_type"), m.child("client_auth_type"),
                    "client CA's have been configured without a Client Auth Policy");
        }
        if (sans != null && !clientAuth.requiresCertificate()) {
            throw m.error(m.where("client_allowed_sans"), m.child("client_allowed_sans"),
                    "client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert");
        }
        if (min.compareTo(max) > 0) {
            throw m.error(m.where("min_version"), m.child("min_version"),
                    "min_version " + min + " is above max_version " + max + ": no TLS version is left");
        }
        return t;
    }

    private static TlsVersion version(StrictYamlMap m, String key, TlsVersion dflt) throws WebConfigException {
        String s = m.string(key);
        if (s.isEmpty()) {
            return dflt;
        }
        try {
            return TlsVersion.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw m.error(m.where(key), m.child(key), "unknown TLS version: " + s);
        }
    }

    private static Path file(Path dir, String name) {
        if (name.isEmpty()) {
            return null;
        }
        Path p = Path.of(name);
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private static Http http(StrictYamlMap m) throws WebConfigException {
        boolean http2 = m.bool("http2", true);
        Map<String, String> headers = m.stringMap("headers");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            List<String> allowed = ALLOWED_HEADERS.get(h.getKey());
            if (allowed == null) {
                throw m.error(m.where("headers"), m.child("headers"), "HTTP header \"" + h.getKey() + "\" can not be configured");
            }
            if (!allowed.isEmpty() && !allowed.contains(h.getValue())) {
                throw m.error(m.where("headers"), m.child("headers"), "invalid value for " + h.getKey()
                        + ". Expected one of: " + allowed + ", but got: \"" + h.getValue() + "\"");
            }
        }
        return new Http(http2, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers)));
    }

    private static Map<String, String> users(StrictYamlMap top) throws WebConfigException {
        Map<String, String> users = top.stringMap("basic_auth_users");
        for (Map.Entry<String, String> u : users.entrySet()) {
            String problem = Bcrypt.hashProblem(u.getValue());
            if (problem != null) {
                throw top.error(top.where("basic_auth_users"), "basic_auth_users." + u.getKey(), problem);
            }
        }
        return users;
    }

    private static RateLimit rateLimit(StrictYamlMap m) throws WebConfigException {
        String interval = m.string("interval");
        Duration d = Duration.ZERO;
        if (!interval.isEmpty()) {
            try {
                d = GoDurations.parse(interval);
            } catch (IllegalArgumentException e) {
                throw m.error(m.where("interval"), m.child("interval"), e.getMessage());
            }
        }
        int burst = m.integer("burst", 0);
        if (burst < 0) {
            throw m.error(m.where("burst"), m.child("burst"), "burst must not be negative");
        }
        return new RateLimit(d, burst);
    }
}
