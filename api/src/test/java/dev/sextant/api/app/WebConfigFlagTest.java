package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --web.config.file} on the command line, and {@code sextant check web-config} like promtool's. */
class WebConfigFlagTest {
    /** bcrypt("test") at cost 4, written with htpasswd's $2y$ prefix. */
    static final String HASH = org.springframework.security.crypto.bcrypt.BCrypt.hashpw("test",
            org.springframework.security.crypto.bcrypt.BCrypt.gensalt(4)).replace("$2a$", "$2y$");

    @TempDir
    Path dir;

    @Test
    void checkWebConfigPrintsLikePromtool() throws Exception {
        Path good = dir.resolve("good.yml");
        Files.writeString(good, "basic_auth_users:\n  alice: " + HASH + "\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n");
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Maybe\n");
        Path missingCert = dir.resolve("missing.yml");
        Files.writeString(missingCert, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n");
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("check", "web-config", good.toString())).isZero();
        assertThat(err.toString()).isEqualTo(good + " SUCCESS\n");
        assertThat(cl.execute("check", "web-config", good.toString(), bad.toString(), missingCert.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(bad + " FAILED: " + bad + ":4: tls_server_config.client_auth_type: invalid ClientAuth: Maybe")
                .contains(missingCert + " FAILED: ").contains("failed to read cert_file");
    }

    @Test
    void aBadWebConfigFileStopsTheServerWithAOneLineError() throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(web, "basic_auth_users:\n  alice: not-a-hash\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("--web.config.file=" + web, "--web.listen-address=127.0.0.1:0",
                    "--storage.tsdb.path=" + dir.resolve("data"));
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(1);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains(
                "sextant: error: Unable to validate web configuration file: " + web + ":2: basic_auth_users.alice: crypto/bcrypt");
    }

    @Test
    void theServerAsksForCredentialsOnEveryEndpointAndShowsTheFlag() throws Exception {
        Path web = dir.resolve("web.yml");
        Files.writeString(web, "basic_auth_users:\n  alice: " + HASH + "\n");
        ServerOptions o = ServerOptions.defaults(dir.resolve("data"), "127.0.0.1", 0).withWebConfigFile(web);
        try (SextantServer s = SextantServer.start(o)) {
            HttpClient c = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + s.port();
            for (String path : new String[] {"/api/v1/query?query=1", "/metrics", "/-/healthy", "/federate?match[]=up",
                    "/api/v1/status/flags"}) {
                HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(401);
            }
            HttpResponse<String> flags = c.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/status/flags"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:test".getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(flags.statusCode()).isEqualTo(200);
            assertThat(flags.body()).contains("\"web.config.file\":\"" + web + "\"");
        }
    }
}
