package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.HttpServer;
import dev.sextant.api.http.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server with a {@code --web.config.file}, exercised by real TLS clients: the JDK's
 * {@link HttpClient} and raw {@link SSLSocket}s. Certificates are made for each run ({@link TestPki}).
 */
class TlsServerTest {
    static TestPki.Issued ca;
    static TestPki.Issued foreignCa;
    static TestPki.Issued server;
    static TestPki.Issued expired;
    static TestPki.Issued client;
    static TestPki.Issued foreignClient;
    static String aliceHash;

    @TempDir
    Path dir;
    HttpServer http;
    WebSecurity security;

    @BeforeAll
    static void pki() throws Exception {
        ca = TestPki.ca("sextant-test-ca");
        foreignCa = TestPki.ca("someone-elses-ca");
        java.security.KeyPair serverKey = TestPki.ec();
        server = TestPki.server(ca, serverKey);
        expired = TestPki.server(ca, serverKey, Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
        client = TestPki.client(ca, "client.example");
        foreignClient = TestPki.client(foreignCa, "client.example");
        aliceHash = Bcrypt.hash("wonderland", 6);
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    private int start(String webYaml) throws Exception {
        server.write(dir.resolve("server.crt"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.crt"), ca.certPem());
        Path web = dir.resolve("web.yml");
        Files.writeString(web, webYaml);
        security = WebSecurity.open(web);
        Router r = new Router()
                .get("/ping", req -> ApiResponse.text(200, "pong\n"))
                .post("/echo", req -> ApiResponse.text(200, req.bodyAsString()));
        http = new HttpServer("127.0.0.1", 0, r, 2, HttpServer.RequestObserver.NONE, security).start();
        return http.port();
    }

    private static final String TLS = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";

    static HttpClient client(SSLContext ctx, String... protocols) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx)
                .connectTimeout(Duration.ofSeconds(5));
        if (protocols.length > 0) {
            SSLParameters p = new SSLParameters();
            p.setProtocols(protocols);
            b.sslParameters(p);
        }
        return b.build();
    }

    static HttpResponse<String> get(HttpClient c, int port, String user, String password) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/ping"))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void validCertificateAndCredentialsGetThroughWrongOrMissingCredentialsGet401() throws Exception {
        int port = start(TLS + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
                + "basic_auth_users:\n  alice: " + aliceHash + "\n");
        HttpClient c = client(TestPki.clientContext(ca, null));

        HttpResponse<String> ok = get(c, port, "alice", "wonderland");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("pong\n");
        assertThat(ok.headers().firstValue("X-Frame-Options")).hasValue("deny");

        for (String[] cred : new String[][] {{"alice", "wrong"}, {"mallory", "wonderland"}, {null, null}, {"alice", ""}}) {
            HttpResponse<String> denied = get(c, port, cred[0], cred[1]);
            assertThat(denied.statusCode()).as("%s/%s", cred[0], cred[1]).isEqualTo(401);
            assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Basic");
            assertThat(denied.body()).isEqualTo("Unauthorized\n");
            assertThat(denied.headers().firstValue("X-Frame-Options")).as("headers apply to 401s too").hasValue("deny");
        }
        // Cached: bcrypt ran once per distinct credential, not once per request.
        long runs = security.authenticator().bcryptRuns();
        for (int i = 0; i < 20; i++) {
            assertThat(get(c, port, "alice", "wonderland").statusCode()).isEqualTo(200);
            assertThat(get(c, port, "alice", "wrong").statusCode()).isEqualTo(401);
        }
        assertThat(security.authenticator().bcryptRuns()).isEqualTo(runs).isLessThanOrEqualTo(4);
    }

    @Test
    void anUnauthenticatedBodyIsNotReadAndTheServerKeepsServing() throws Exception {
        int port = start(TLS + "basic_auth_users:\n  alice: " + aliceHash + "\n");
        HttpClient c = client(TestPki.clientContext(ca, null));
        HttpResponse<String> denied = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(401);
        HttpResponse<String> echoed = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/echo"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:wonderland".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo("hello");
    }

    @Test
    void anExpiredServerCertificateIsRejectedByTheClientAndARenewedOneIsPickedUpWithoutRestart() throws Exception {
        int port = start(TLS);
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);

        Files.writeString(dir.resolve("server.crt"), expired.certPem());
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, null)), port, null, null))
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("validity check failed");

        Files.writeString(dir.resolve("server.crt"), server.certPem());
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aServerCertificateFromAnUnknownCaIsRejectedByTheClient() throws Exception {
        int port = start(TLS);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(foreignCa, null)), port, null, null))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void requireAndVerifyClientCertTurnsAwayClientsWithoutACertificateOrWithAForeignOne() throws Exception {
        int port = start(TLS + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
        assertThat(get(client(TestPki.clientContext(ca, client)), port, null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, null)), port, null, null)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, foreignClient)), port, null, null)).isInstanceOf(IOException.class);
    }

    @Test
    void theOtherClientAuthModes() throws Exception {
        int p1 = start(TLS + "  client_auth_type: RequireAnyClientCert\n");
        assertThat(get(client(TestPki.clientContext(ca, foreignClient)), p1, null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, null)), p1, null, null)).isInstanceOf(IOException.class);
        http.close();

        int port = start(TLS + "  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.crt\n");
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);
        assertThat(get(client(TestPki.clientContext(ca, client)), port, null, null).statusCode()).isEqualTo(200);
        int p2 = port;
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, foreignClient)), p2, null, null)).isInstanceOf(IOException.class);
        http.close();

        port = start(TLS + "  client_auth_type: RequestClientCert\n");
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);
        assertThat(get(client(TestPki.clientContext(ca, foreignClient)), port, null, null).statusCode()).isEqualTo(200);
        http.close();

        port = start(TLS + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
                + "  client_allowed_sans: [other.example]\n");
        int p3 = port;
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, client)), p3, null, null)).isInstanceOf(IOException.class);
    }

    @Test
    void clientAllowedSansAreMatched() throws Exception {
        TlsContexts.checkSans(client.cert(), java.util.List.of("client.example"));
        assertThatThrownBy(() -> TlsContexts.checkSans(client.cert(), java.util.List.of("other.example")))
                .hasMessageContaining("could not find allowed SANs");
    }

    @Test
    void minVersionIsEnforced() throws Exception {
        int port = start(TLS + "  min_version: TLS13\n");
        assertThat(get(client(TestPki.clientContext(ca, null), "TLSv1.3"), port, null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, null), "TLSv1.2"), port, null, null))
                .isInstanceOf(SSLHandshakeException.class);
        http.close();

        int p2 = start(TLS + "  max_version: TLS12\n");
        assertThat(get(client(TestPki.clientContext(ca, null), "TLSv1.2"), p2, null, null).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(client(TestPki.clientContext(ca, null), "TLSv1.3"), p2, null, null))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void cipherSuitesRestrictTls12AndLeaveTls13Alone() throws Exception {
        int port = start(TLS + "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n");
        SSLContext ctx = TestPki.clientContext(ca, null);
        assertThat(handshake(ctx, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThatThrownBy(() -> handshake(ctx, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(handshake(ctx, port, "TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEqualTo("TLS_AES_256_GCM_SHA384");
    }

    private static String handshake(SSLContext ctx, int port, String protocol, String... suites) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.setEnabledProtocols(new String[] {protocol});
            s.setEnabledCipherSuites(suites);
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }

    @Test
    void plainHttpToTheTlsPortFailsFastAndTheServerKeepsServing() throws Exception {
        int port = start(TLS);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.0 400 Bad Request\r\n").endsWith("Client sent an HTTP request to an HTTPS server.\n");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
            assertThat(s.getInputStream().read()).as("garbage is dropped at once").isEqualTo(-1);
        }
        // The JDK client speaking plain HTTP to the TLS port gets an answer, not a hang.
        HttpResponse<String> plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        int port = start(TLS);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout((int) WebSecurity.HANDSHAKE_TIMEOUT_MILLIS + 10_000);
            long started = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(WebSecurity.HANDSHAKE_TIMEOUT_MILLIS - 1_000));
        }
        assertThat(get(client(TestPki.clientContext(ca, null)), port, null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void changesToUsersApplyOnTheNextRequestAndABrokenFileGives500() throws Exception {
        int port = start("basic_auth_users:\n  alice: " + aliceHash + "\n");
        HttpClient c = HttpClient.newHttpClient();
        assertThat(plainGet(c, port, "alice:wonderland").statusCode()).isEqualTo(200);

        Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  alice: " + Bcrypt.hash("looking-glass", 4) + "\n");
        assertThat(plainGet(c, port, "alice:wonderland").statusCode()).isEqualTo(401);
        assertThat(plainGet(c, port, "alice:looking-glass").statusCode()).isEqualTo(200);

        Files.writeString(dir.resolve("web.yml"), "basic_auth_users: [\n");
        HttpResponse<String> broken = plainGet(c, port, "alice:looking-glass");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("Internal Server Error\n");

        Files.writeString(dir.resolve("web.yml"), "");
        assertThat(plainGet(c, port, null).statusCode()).as("no users: no authentication").isEqualTo(200);
    }

    @Test
    void rateLimitAnswers429() throws Exception {
        int port = start("rate_limit:\n  interval: 1h\n  burst: 2\n");
        HttpClient c = HttpClient.newHttpClient();
        assertThat(plainGet(c, port, null).statusCode()).isEqualTo(200);
        assertThat(plainGet(c, port, null).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = plainGet(c, port, null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo("Too Many Requests\n");
    }

    @Test
    void aBadFileStopsStartUp() throws Exception {
        Path web = dir.resolve("bad.yml");
        Files.writeString(web, "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n");
        assertThatThrownBy(() -> WebSecurity.open(web)).isInstanceOf(WebConfigException.class)
                .hasMessageContaining("failed to read cert_file");
        assertThatThrownBy(() -> WebSecurity.open(dir.resolve("absent.yml"))).isInstanceOf(WebConfigException.class)
                .hasMessageContaining("absent.yml");
    }

    static HttpResponse<String> plainGet(HttpClient c, int port, String userColonPassword) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).timeout(Duration.ofSeconds(10));
        if (userColonPassword != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

}
