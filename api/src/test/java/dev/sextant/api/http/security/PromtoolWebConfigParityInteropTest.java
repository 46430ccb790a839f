package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sextant check web-config} and {@code promtool check web-config} agree, file by file, on
 * which web configurations are valid: the same corpus of good and bad files (with real
 * certificates and keys) goes through both. Keys newer than Debian 12's promtool (inline
 * {@code cert}/{@code key}, {@code client_allowed_sans}, {@code rate_limit}) are left out, and so are
 * the two places where Sextant is stricter on purpose ({@code min_version} above {@code max_version},
 * both {@code cert} and {@code cert_file}); WebConfigTest covers those.
 */
@Tag("interop")
class PromtoolWebConfigParityInteropTest {
    @TempDir
    Path dir;

    static Path promtool() {
        for (String d : new String[] {"/usr/bin", "/usr/local/bin"}) {
            Path p = Path.of(d, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("promtool is not installed: this interop test needs Debian's prometheus package");
    }

    @Test
    void sameVerdictAsPromtool() throws Exception {
        TestPki.Issued ca = TestPki.ca("parity-ca");
        TestPki.Issued rsa = TestPki.server(ca, TestPki.rsa());
        TestPki.Issued ec = TestPki.server(ca, TestPki.ec());
        Files.writeString(dir.resolve("rsa.crt"), rsa.certPem());
        Files.writeString(dir.resolve("rsa8.key"), rsa.pkcs8Pem());
        Files.writeString(dir.resolve("rsa1.key"), rsa.traditionalPem());
        Files.writeString(dir.resolve("ec.crt"), ec.certPem());
        Files.writeString(dir.resolve("ec8.key"), ec.pkcs8Pem());
        Files.writeString(dir.resolve("ec1.key"), ec.traditionalPem());
        Files.writeString(dir.resolve("ca.crt"), ca.certPem());
        String hash = Bcrypt.hash("pw", 4);
        String rsaTls = "tls_server_config:\n  cert_file: rsa.crt\n  key_file: rsa8.key\n";

        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("empty", "");
        corpus.put("users", "basic_auth_users:\n  alice: " + hash + "\n  bob: " + hash.replace("$2a$", "$2y$") + "\n");
        corpus.put("bad-hash", "basic_auth_users:\n  alice: secret\n");
        corpus.put("bad-cost", "basic_auth_users:\n  alice: " + hash.replace("$04$", "$99$") + "\n");
        corpus.put("unknown-top", "tls_config:\n  cert_file: rsa.crt\n");
        corpus.put("unknown-tls-key", rsaTls + "  certfile: x\n");
        corpus.put("rsa-pkcs8", rsaTls);
        corpus.put("rsa-pkcs1", "tls_server_config:\n  cert_file: rsa.crt\n  key_file: rsa1.key\n");
        corpus.put("ec-pkcs8", "tls_server_config:\n  cert_file: ec.crt\n  key_file: ec8.key\n");
        corpus.put("ec-sec1", "tls_server_config:\n  cert_file: ec.crt\n  key_file: ec1.key\n");
        corpus.put("mismatch", "tls_server_config:\n  cert_file: rsa.crt\n  key_file: ec8.key\n");
        corpus.put("missing-cert", "tls_server_config:\n  cert_file: nope.crt\n  key_file: rsa8.key\n");
        corpus.put("missing-key", "tls_server_config:\n  cert_file: rsa.crt\n");
        corpus.put("cert-is-key", "tls_server_config:\n  cert_file: rsa8.key\n  key_file: rsa8.key\n");
        corpus.put("client-auth", rsaTls + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
        corpus.put("client-auth-no-ca", rsaTls + "  client_auth_type: RequireAnyClientCert\n");
        corpus.put("client-auth-bad", rsaTls + "  client_auth_type: Whatever\n");
        corpus.put("ca-without-auth", rsaTls + "  client_ca_file: ca.crt\n");
        corpus.put("ciphers", rsaTls + "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]\n");
        corpus.put("cipher-unknown", rsaTls + "  cipher_suites: [TLS_FANCY_WITH_NOTHING]\n");
        corpus.put("curves", rsaTls + "  curve_preferences: [X25519, CurveP256, CurveP384, CurveP521]\n");
        corpus.put("curve-unknown", rsaTls + "  curve_preferences: [CurveP999]\n");
        corpus.put("versions", rsaTls + "  min_version: TLS13\n  max_version: TLS13\n");
        corpus.put("version-unknown", rsaTls + "  min_version: TLS14\n");
        corpus.put("prefer", rsaTls + "  prefer_server_cipher_suites: false\n");
        corpus.put("http2-off", rsaTls + "http_server_config:\n  http2: false\n");
        corpus.put("headers", "http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n    Content-Security-Policy: default-src 'self'\n");
        corpus.put("header-not-allowed", "http_server_config:\n  headers:\n    Server: x\n");
        corpus.put("header-bad-value", "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n");
        corpus.put("not-yaml", "tls_server_config: [\n");

        Map<String, String> disagreements = new LinkedHashMap<>();
        int successes = 0;
        for (Map.Entry<String, String> e : corpus.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".yml");
            Files.writeString(f, e.getValue());
            String promtool = promtoolVerdict(f);
            String sextant = sextantVerdict(f);
            if (verdict(sextant).equals("SUCCESS")) {
                successes++;
            }
            if (!verdict(promtool).equals(verdict(sextant))) {
                disagreements.put(e.getKey(), "promtool: " + promtool.strip() + " | sextant: " + sextant.strip());
            }
        }
        assertThat(disagreements).isEmpty();
        // Not vacuous: the corpus has both verdicts in good measure.
        assertThat(successes).isBetween(10, corpus.size() - 10);
    }

    private static String verdict(String output) {
        return output.contains(" SUCCESS") ? "SUCCESS" : output.contains(" FAILED") ? "FAILED" : "?" + output;
    }

    private String promtoolVerdict(Path f) throws Exception {
        Process p = new ProcessBuilder(promtool().toString(), "check", "web-config", f.getFileName().toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue() == 0).as("exit code agrees with the verdict: " + out).isEqualTo(out.contains(" SUCCESS"));
        return out;
    }

    private static String sextantVerdict(Path f) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = dev.sextant.api.app.MainAccess.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute("check", "web-config", f.toString());
        assertThat(code == 0).as("exit code agrees with the verdict: " + err).isEqualTo(err.toString().contains(" SUCCESS"));
        return err.toString();
    }
}
