package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server started with {@code --web.config.file}, driven by {@code curl} (OpenSSL): the
 * client most operators and scripts use. Needs Debian's {@code curl}; fails when it is missing.
 */
@Tag("interop")
class CurlTlsInteropTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Path curl() {
        for (String d : new String[] {"/usr/bin", "/usr/local/bin"}) {
            Path p = Path.of(d, "curl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("curl is not installed: this interop test needs Debian's curl package (apt-get install curl)");
    }

    Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(curl().toString(), "-sS", "--max-time", "20", "-o", "-",
                "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static String status(Result r) {
        String s = r.out();
        return s.substring(s.lastIndexOf('\n') + 1);
    }

    @Test
    void curlAgainstTheTlsServer() throws Exception {
        TestPki.Issued ca = TestPki.ca("curl-test-ca");
        java.security.KeyPair key = TestPki.rsa();
        TestPki.Issued server = TestPki.server(ca, key);
        TestPki.Issued expired = TestPki.server(ca, key, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        TestPki.Issued client = TestPki.client(ca, "client.example");
        Files.writeString(dir.resolve("server.crt"), server.certPem());
        Files.writeString(dir.resolve("server.key"), server.traditionalPem()); // PKCS#1, as openssl genrsa writes it
        Files.writeString(dir.resolve("ca.crt"), ca.certPem());
        client.write(dir.resolve("client.crt"), dir.resolve("client.key"));
        String tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n";
        String users = "basic_auth_users:\n  alice: " + Bcrypt.hash("wonderland", 6) + "\n";
        Path web = dir.resolve("web.yml");
        Files.writeString(web, tls + users);

        ServerOptions o = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0).withWebConfigFile(web);
        try (SextantServer s = SextantServer.start(o)) {
            String url = "https://127.0.0.1:" + s.port() + "/api/v1/status/buildinfo";

            Result ok = curl("--cacert", "ca.crt", "-u", "alice:wonderland", url);
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(status(ok)).isEqualTo("200");
            assertThat(ok.out()).contains("\"status\":\"success\"");

            Result wrong = curl("--cacert", "ca.crt", "-u", "alice:rabbit", "-D", "headers.txt", url);
            assertThat(status(wrong)).isEqualTo("401");
            assertThat(Files.readString(dir.resolve("headers.txt"))).containsIgnoringCase("www-authenticate: Basic");
            assertThat(status(curl("--cacert", "ca.crt", url))).isEqualTo("401");

            // TLS 1.2 only, against a server that now asks for TLS 1.3 (re-read on the next connection).
            Files.writeString(web, tls + "  min_version: TLS13\n" + users);
            Result old = curl("--cacert", "ca.crt", "-u", "alice:wonderland", "--tlsv1.2", "--tls-max", "1.2", url);
            assertThat(old.exit()).as("curl: SSL connect error").isEqualTo(35);
            assertThat(status(curl("--cacert", "ca.crt", "-u", "alice:wonderland", "--tlsv1.3", url))).isEqualTo("200");

            // Plain HTTP to the TLS port: Go's 400 answer, at once.
            Result plain = curl("http://127.0.0.1:" + s.port() + "/api/v1/status/buildinfo");
            assertThat(status(plain)).isEqualTo("400");
            assertThat(plain.out()).contains("Client sent an HTTP request to an HTTPS server.");

            // Client certificates required.
            Files.writeString(web, tls + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n" + users);
            Result withCert = curl("--cacert", "ca.crt", "--cert", "client.crt", "--key", "client.key", "-u", "alice:wonderland", url);
            assertThat(status(withCert)).as(withCert.err()).isEqualTo("200");
            Result noCert = curl("--cacert", "ca.crt", "-u", "alice:wonderland", url);
            assertThat(noCert.exit()).as("handshake or read failure without a client certificate").isNotZero();
            assertThat(status(noCert)).isNotEqualTo("200");

            // An expired server certificate: curl refuses it (exit 60: peer certificate cannot be authenticated).
            Files.writeString(web, tls + users);
            Files.writeString(dir.resolve("server.crt"), expired.certPem());
            Result exp = curl("--cacert", "ca.crt", "-u", "alice:wonderland", url);
            assertThat(exp.exit()).as(exp.err()).isEqualTo(60);
            assertThat(exp.err()).containsIgnoringCase("expired");

            // And the server is still serving after all of this.
            Files.writeString(dir.resolve("server.crt"), server.certPem());
            assertThat(status(curl("--cacert", "ca.crt", "-u", "alice:wonderland", url))).isEqualTo("200");
        }
    }
}
