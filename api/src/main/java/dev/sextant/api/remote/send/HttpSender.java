package dev.sextant.api.remote.send;

import dev.sextant.api.http.Http1PostClient;
import dev.sextant.scrape.config.HttpClientConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * POSTs compressed remote-write bodies to one receiver and classifies the answer the way the
 * remote-write spec asks: 2xx sent; 5xx, connection errors and timeouts retried; 429 retried only
 * with {@code retry_on_http_429} (honouring {@code Retry-After}); any other status dropped, with the
 * receiver's message logged by the caller.
 *
 * <p>Plain {@code http://} URLs without {@code enable_http2} go through {@link Http1PostClient}
 * (kept-alive HTTP/1.1 connections, what Prometheus's sender uses too); {@code https://}, HTTP/2
 * and redirects (with {@code follow_redirects}) through the JDK's {@code HttpClient}.
 *
 * <p>Thread-safety: thread-safe (both clients are shared by the queue's shards).
 */
final class HttpSender {
    /** What to do with a batch after one attempt. */
    enum Outcome { SENT, RETRY, DROP }

    /** One attempt's outcome; {@code retryAfterMs} is 0 unless the receiver sent {@code Retry-After}. */
    record Result(Outcome outcome, int status, long retryAfterMs, String message) {}

    static final String USER_AGENT = "Sextant/remote-write";

    private final RemoteWriteConfig config;
    private final URI uri;
    /** Plain HTTP/1.1 (the common case): Netty, kept-alive connections. Null otherwise. */
    private final Http1PostClient fast;
    /** The JDK client: for https, HTTP/2 and following redirects; built when first needed. */
    private volatile HttpClient client;

    HttpSender(RemoteWriteConfig config) throws IOException {
        this.config = config;
        this.uri = URI.create(config.url());
        if (uri.getScheme().equals("http") && !config.http().enableHttp2()) {
            fast = new Http1PostClient(uri, (int) Math.min(Integer.MAX_VALUE, config.remoteTimeoutMs()));
        } else {
            fast = null;
            client = jdkClient(config, uri);
        }
    }

    private static HttpClient jdkClient(RemoteWriteConfig config, URI uri) throws IOException {
        HttpClient.Builder b = HttpClient.newBuilder()
                // Remote write uses HTTP/1.1 like Prometheus (enable_http2 defaults to false there).
                .version(config.http().enableHttp2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.remoteTimeoutMs()))
                .followRedirects(config.http().followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER);
        if (uri.getScheme().equals("https")) {
            b.sslContext(sslContext(config.http().tls()));
            if (config.http().tls().serverName() != null) {
                SSLParameters p = new SSLParameters();
                p.setServerNames(List.of(new javax.net.ssl.SNIHostName(config.http().tls().serverName())));
                b.sslParameters(p);
            }
        }
        return b.build();
    }

    private HttpClient client() throws IOException {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    client = c = jdkClient(config, uri);
                }
            }
        }
        return c;
    }

    /** Closes kept-alive connections (the queue stopped). */
    void close() {
        if (fast != null) {
            fast.close();
        }
    }

    /** Classification of a status code (the retry rules of the remote-write spec). */
    static Outcome classify(int status, boolean retryOn429) {
        if (status / 100 == 2) {
            return Outcome.SENT;
        }
        if (status / 100 == 5) {
            return Outcome.RETRY;
        }
        if (status == 429) {
            return retryOn429 ? Outcome.RETRY : Outcome.DROP;
        }
        return Outcome.DROP;
    }

    /** {@code Retry-After} in seconds or as an HTTP date; 0 when absent or unreadable. */
    static long retryAfterMillis(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String h = header.trim();
        try {
            return Math.max(0, Long.parseLong(h) * 1000);
        } catch (NumberFormatException e) {
            try {
                long t = java.time.ZonedDateTime.parse(h, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Math.max(0, t - nowMillis);
            } catch (RuntimeException e2) {
                return 0;
            }
        }
    }

    Result send(byte[] body, int len) throws InterruptedException {
        String auth;
        try {
            auth = authorization(config.http());
        } catch (IOException e) {
            return new Result(Outcome.RETRY, 0, 0, "reading credentials: " + e.getMessage());
        }
        if (fast == null) {
            return sendJdk(body, len, auth);
        }
        int n = 4 + config.headers().size() + (auth != null ? 1 : 0);
        String[] h = new String[2 * n];
        int k = 0;
        h[k++] = "Content-Encoding";
        h[k++] = "snappy";
        h[k++] = "User-Agent";
        h[k++] = USER_AGENT;
        h[k++] = "Content-Type";
        h[k++] = config.protocol() == 2 ? CONTENT_TYPE_V2 : "application/x-protobuf";
        h[k++] = "X-Prometheus-Remote-Write-Version";
        h[k++] = config.protocol() == 2 ? "2.0.0" : "0.1.0";
        for (Map.Entry<String, String> e : config.headers().entrySet()) {
            h[k++] = e.getKey();
            h[k++] = e.getValue();
        }
        if (auth != null) {
            h[k++] = "Authorization";
            h[k++] = auth;
        }
        Http1PostClient.Response resp;
        try {
            resp = fast.post(body, len, h, config.remoteTimeoutMs());
        } catch (IOException e) {
            return new Result(Outcome.RETRY, 0, 0, String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        }
        int status = resp.status();
        if (status / 100 == 3 && config.http().followRedirects()) {
            return sendJdk(body, len, auth); // rare: let the JDK client follow the redirect
        }
        Outcome o = classify(status, config.queue().retryOnHttp429());
        if (o == Outcome.SENT) {
            return new Result(o, status, 0, "");
        }
        String msg = new String(resp.body(), 0, resp.bodyLength(), StandardCharsets.UTF_8).trim();
        long after = status == 429 ? retryAfterMillis(resp.retryAfter(), System.currentTimeMillis()) : 0;
        return new Result(o, status, after, "server returned HTTP status " + status + ": " + msg);
    }

    private static final String CONTENT_TYPE_V2 = "application/x-protobuf;proto=" + RemoteWriteConfig.PROTO_V2;

    private Result sendJdk(byte[] body, int len, String auth) throws InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(config.remoteTimeoutMs()))
                .header("Content-Encoding", "snappy")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, len));
        if (config.protocol() == 2) {
            r.header("Content-Type", "application/x-protobuf;proto=" + RemoteWriteConfig.PROTO_V2);
            r.header("X-Prometheus-Remote-Write-Version", "2.0.0");
        } else {
            r.header("Content-Type", "application/x-protobuf");
            r.header("X-Prometheus-Remote-Write-Version", "0.1.0");
        }
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            r.header(h.getKey(), h.getValue());
        }
        if (auth != null) {
            r.header("Authorization", auth);
        }
        HttpResponse<byte[]> resp;
        try {
            resp = client().send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Result(Outcome.RETRY, 0, 0, String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        }
        int status = resp.statusCode();
        Outcome o = classify(status, config.queue().retryOnHttp429());
        if (o == Outcome.SENT) {
            return new Result(o, status, 0, "");
        }
        byte[] b = resp.body();
        String msg = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.UTF_8).trim();
        long after = status == 429 ? retryAfterMillis(resp.headers().firstValue("Retry-After").orElse(null),
                System.currentTimeMillis()) : 0;
        return new Result(o, status, after, "server returned HTTP status " + status + ": " + msg);
    }

    /** The Authorization header value; {@code *_file} credentials are re-read per request like Prometheus. */
    static String authorization(HttpClientConfig http) throws IOException {
        if (http.basicAuth() != null) {
            HttpClientConfig.BasicAuth b = http.basicAuth();
            String user = b.usernameFile() != null ? Files.readString(Path.of(b.usernameFile())).trim() : b.username();
            String pass = b.passwordFile() != null ? Files.readString(Path.of(b.passwordFile())).trim()
                    : (b.password() == null ? "" : b.password());
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        }
        if (http.authorization() != null) {
            HttpClientConfig.Authorization a = http.authorization();
            String cred = a.credentialsFile() != null ? Files.readString(Path.of(a.credentialsFile())).trim()
                    : a.credentials();
            return cred == null ? null : a.type() + " " + cred;
        }
        return null;
    }

    private static SSLContext sslContext(HttpClientConfig.TlsConfig tls) throws IOException {
        try {
            TrustManager[] trust = null;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (tls.ca() != null || tls.caFile() != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certificates(pem(tls.ca(), tls.caFile()))) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            }
            javax.net.ssl.KeyManager[] keys = null;
            if (tls.cert() != null || tls.certFile() != null) {
                Collection<? extends Certificate> chain = certificates(pem(tls.cert(), tls.certFile()));
                PrivateKey key = privateKey(pem(tls.key(), tls.keyFile()));
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                keys = kmf.getKeyManagers();
            }
            String protocol = "TLSv1.3".equals(version(tls.maxVersion())) ? "TLSv1.3" : "TLS";
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(keys, trust, null);
            return ctx;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("tls_config: " + e.getMessage(), e);
        }
    }

    private static String version(String v) {
        return v == null ? null : "TLSv1." + v.substring(4, 5);
    }

    private static String pem(String inline, String file) throws IOException {
        return file != null ? Files.readString(Path.of(file)) : inline;
    }

    private static Collection<? extends Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    private static PrivateKey privateKey(String pem) throws Exception {
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            throw new IOException("only PKCS#8 private keys (BEGIN PRIVATE KEY) are supported");
        }
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        List<String> algs = new ArrayList<>(List.of("RSA", "EC", "Ed25519"));
        Exception last = null;
        for (String alg : algs) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception e) {
                last = e;
            }
        }
        throw last;
    }

    /** {@code insecure_skip_verify}: accepts any server certificate and host name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
