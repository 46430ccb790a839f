package dev.sextant.scrape.loop;

import dev.sextant.scrape.config.HttpClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds JDK HTTP clients and authorization headers from the config's HTTP client block. Stateless.
 * Supported: basic auth, authorization/bearer (files re-read per request), {@code tls_config} CA
 * (inline or file), {@code insecure_skip_verify}, {@code server_name}, {@code follow_redirects},
 * {@code proxy_url}, {@code http_headers}, client certificates ({@code cert[_file]}/{@code key[_file]},
 * PKCS#8 or PKCS#1 RSA PEM), {@code no_proxy}, {@code proxy_from_environment}. OAuth2 and
 * {@code proxy_connect_header} are accepted in config but not used yet.
 */
final class HttpClients {
    private HttpClients() {}

    static HttpClient build(HttpClientConfig cfg, Executor executor) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .executor(executor)
                .followRedirects(cfg.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER);
        java.net.ProxySelector proxy = proxySelector(cfg);
        if (proxy != null) {
            b.proxy(proxy);
        }
        HttpClientConfig.TlsConfig tls = cfg.tls();
        if (tls != null && (tls.insecureSkipVerify() || tls.ca() != null || tls.caFile() != null
                || tls.cert() != null || tls.certFile() != null)) {
            b.sslContext(sslContext(tls));
            if (tls.serverName() != null || tls.insecureSkipVerify()) {
                SSLParameters p = new SSLParameters();
                if (tls.insecureSkipVerify()) {
                    p.setEndpointIdentificationAlgorithm(null);
                }
                if (tls.serverName() != null) {
                    p.setServerNames(List.of(new javax.net.ssl.SNIHostName(tls.serverName())));
                }
                b.sslParameters(p);
            }
        }
        return b.build();
    }

    /**
     * {@code proxy_url} with {@code no_proxy}, or {@code proxy_from_environment} ({@code HTTP(S)_PROXY},
     * {@code NO_PROXY}); null when no proxy is configured.
     */
    static java.net.ProxySelector proxySelector(HttpClientConfig cfg) {
        String http = null;
        String https = null;
        String noProxy = cfg.noProxy();
        if (cfg.proxyUrl() != null && !cfg.proxyUrl().isEmpty()) {
            http = cfg.proxyUrl();
            https = cfg.proxyUrl();
        } else if (cfg.proxyFromEnvironment()) {
            http = env("HTTP_PROXY");
            https = env("HTTPS_PROXY");
            noProxy = env("NO_PROXY");
        }
        if (http == null && https == null) {
            return null;
        }
        java.net.Proxy httpProxy = http == null ? java.net.Proxy.NO_PROXY : proxy(http);
        java.net.Proxy httpsProxy = https == null ? java.net.Proxy.NO_PROXY : proxy(https);
        List<String> exclusions = new java.util.ArrayList<>();
        if (noProxy != null) {
            for (String e : noProxy.split(",")) {
                if (!e.isBlank()) {
                    exclusions.add(e.trim().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(java.net.URI uri) {
                String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(java.util.Locale.ROOT);
                for (String e : exclusions) {
                    String d = e.startsWith(".") ? e.substring(1) : e;
                    if (e.equals("*") || host.equals(d) || host.endsWith("." + d)) {
                        return List.of(java.net.Proxy.NO_PROXY);
                    }
                }
                return List.of("https".equalsIgnoreCase(uri.getScheme()) ? httpsProxy : httpProxy);
            }

            @Override
            public void connectFailed(java.net.URI uri, java.net.SocketAddress sa, IOException ioe) {}
        };
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            v = System.getenv(name.toLowerCase(java.util.Locale.ROOT));
        }
        return v == null || v.isEmpty() ? null : v;
    }

    private static java.net.Proxy proxy(String url) {
        java.net.URI u = java.net.URI.create(url.contains("://") ? url : "http://" + url);
        return new java.net.Proxy(java.net.Proxy.Type.HTTP,
                java.net.InetSocketAddress.createUnresolved(u.getHost(), u.getPort() < 0 ? 80 : u.getPort()));
    }

    private static SSLContext sslContext(HttpClientConfig.TlsConfig tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            TrustManager[] tms = null;
            if (tls.insecureSkipVerify()) {
                tms = new TrustManager[] {new X509TrustManager() {
                    @Override
                    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                    @Override
                    public X509Certificate[] getAcceptedIssuers() {
                        return new X509Certificate[0];
                    }
                }};
            } else if (tls.ca() != null || tls.caFile() != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                CertificateFactory cf = CertificateFactory.getInstance("X.509");
                byte[] pem = tls.ca() != null ? tls.ca().getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(Path.of(tls.caFile()));
                int i = 0;
                try (InputStream in = new java.io.ByteArrayInputStream(pem)) {
                    for (Certificate c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry("ca" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                tms = tmf.getTrustManagers();
            }
            ctx.init(keyManagers(tls), tms, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            // A missing CA or key file must not stop the pool: scrapes then fail with the TLS error.
            org.slf4j.LoggerFactory.getLogger(HttpClients.class).warn("tls_config unusable, using defaults: {}", e.toString());
            try {
                return SSLContext.getDefault();
            } catch (Exception e2) {
                throw new IllegalStateException(e2);
            }
        }
    }

    /** Client certificate from {@code cert[_file]} + {@code key[_file]} (PEM; PKCS#8 or PKCS#1 RSA keys), or null. */
    private static javax.net.ssl.KeyManager[] keyManagers(HttpClientConfig.TlsConfig tls) throws Exception {
        String certPem = tls.cert() != null ? tls.cert() : tls.certFile() != null ? Files.readString(Path.of(tls.certFile())) : null;
        String keyPem = tls.key() != null ? tls.key() : tls.keyFile() != null ? Files.readString(Path.of(tls.keyFile())) : null;
        if (certPem == null || keyPem == null) {
            return null;
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Certificate[] chain = cf.generateCertificates(new java.io.ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)))
                .toArray(new Certificate[0]);
        java.security.PrivateKey key = privateKey(keyPem);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("client", key, pw, chain);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf.getKeyManagers();
    }

    static java.security.PrivateKey privateKey(String pem) throws Exception {
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        if (pkcs1) {
            der = pkcs1ToPkcs8(der);
        }
        java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return java.security.KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (java.security.spec.InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new java.security.spec.InvalidKeySpecException("unsupported private key (want PKCS#8 or PKCS#1 RSA PEM)");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo with the rsaEncryption algorithm. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = derWrap((byte) 0x04, pkcs1);
        byte[] body = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algId, 0, body, version.length, algId.length);
        System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
        return derWrap((byte) 0x30, body);
    }

    private static byte[] derWrap(byte tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 128 ? new byte[] {(byte) n}
                : n < 256 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 65536 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + len.length + n];
        out[0] = tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }

    /** Adds the Authorization header; files are read on every call so rotated secrets are used. */
    static void authorize(HttpRequest.Builder b, HttpClientConfig cfg) throws IOException {
        authorize(b::header, cfg);
    }

    /** The {@code Authorization} header of the config, into {@code b}; credential files are read now. */
    static void authorize(java.util.function.BiConsumer<String, String> b, HttpClientConfig cfg) throws IOException {
        if (cfg.basicAuth() != null) {
            HttpClientConfig.BasicAuth ba = cfg.basicAuth();
            String user = ba.usernameFile() != null ? Files.readString(Path.of(ba.usernameFile())).trim() : ba.username();
            String pass = ba.passwordFile() != null ? Files.readString(Path.of(ba.passwordFile())).trim()
                    : ba.password() == null ? "" : ba.password();
            b.accept("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
        } else if (cfg.authorization() != null) {
            HttpClientConfig.Authorization a = cfg.authorization();
            String cred = a.credentialsFile() != null ? Files.readString(Path.of(a.credentialsFile())).trim() : a.credentials();
            if (cred != null && !cred.isEmpty()) {
                b.accept("Authorization", a.type() + " " + cred);
            }
        }
    }

    /**
     * Whether the request headers of {@code cfg} come partly from files (basic auth, authorization
     * credentials, {@code http_headers} files), which are read on every request.
     */
    static boolean readsFiles(HttpClientConfig cfg) {
        if (cfg.basicAuth() != null && (cfg.basicAuth().usernameFile() != null || cfg.basicAuth().passwordFile() != null)) {
            return true;
        }
        if (cfg.basicAuth() == null && cfg.authorization() != null && cfg.authorization().credentialsFile() != null) {
            return true;
        }
        if (cfg.httpHeaders() != null) {
            for (Object v : cfg.httpHeaders().values()) {
                if (v instanceof java.util.Map<?, ?> m && m.get("files") instanceof List<?> files && !files.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Headers the scraper sets itself; {@code http_headers} cannot override them. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("accept", "accept-encoding", "authorization",
            "user-agent", "x-prometheus-scrape-timeout-seconds", "content-length", "host", "connection", "upgrade", "expect");

    /** Adds {@code http_headers}: {@code {Name: {values, secrets, files}}}; files are read per request. */
    @SuppressWarnings("unchecked")
    static void customHeaders(HttpRequest.Builder b, HttpClientConfig cfg) throws IOException {
        customHeaders(b::header, cfg);
    }

    @SuppressWarnings("unchecked")
    static void customHeaders(java.util.function.BiConsumer<String, String> b, HttpClientConfig cfg) throws IOException {
        if (cfg.httpHeaders() == null) {
            return;
        }
        for (java.util.Map.Entry<String, Object> e : cfg.httpHeaders().entrySet()) {
            if (RESERVED.contains(e.getKey().toLowerCase(java.util.Locale.ROOT)) || !(e.getValue() instanceof java.util.Map)) {
                continue;
            }
            java.util.Map<String, Object> h = (java.util.Map<String, Object>) e.getValue();
            for (String kind : new String[] {"values", "secrets", "files"}) {
                Object v = h.get(kind);
                if (!(v instanceof List)) {
                    continue;
                }
                for (Object item : (List<Object>) v) {
                    String value = kind.equals("files") ? Files.readString(Path.of(String.valueOf(item))).trim() : String.valueOf(item);
                    b.accept(e.getKey(), value);
                }
            }
        }
    }

    /** The Accept header Prometheus sends for the protocol list (formats.md section 3). */
    static String acceptHeader(List<String> protocols, String escaping) {
        StringBuilder sb = new StringBuilder();
        int w = 6;
        for (String p : protocols) {
            String media = switch (p) {
                case "PrometheusProto" -> "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
                case "PrometheusText0.0.4" -> "text/plain;version=0.0.4";
                case "PrometheusText1.0.0" -> "text/plain;version=1.0.0;escaping=" + escaping;
                case "OpenMetricsText0.0.1" -> "application/openmetrics-text;version=0.0.1";
                case "OpenMetricsText1.0.0" -> "application/openmetrics-text;version=1.0.0;escaping=" + escaping;
                default -> throw new IllegalArgumentException(p);
            };
            sb.append(media).append(";q=0.").append(w--).append(',');
        }
        return sb.append("*/*;q=0.").append(w).toString();
    }
}
