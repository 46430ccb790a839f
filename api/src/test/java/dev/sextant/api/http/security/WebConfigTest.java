package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.api.http.security.WebConfig.ClientAuthType;
import dev.sextant.api.http.security.WebConfig.TlsVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Strict parsing of the exporter-toolkit web configuration, and loading the certificates it names. */
class WebConfigTest {
    /** bcrypt of "secret" at cost 4 (cheap in tests), made once. */
    static String hash;

    @TempDir
    Path dir;

    @BeforeAll
    static void hash() {
        hash = Bcrypt.hash("secret", 4);
    }

    @Test
    void fullConfigurationParsesWithTheToolkitsDefaults() throws Exception {
        WebConfig c = WebConfig.parse("web.yml", """
                tls_server_config:
                  cert_file: server.crt
                  key_file: /abs/server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: ca.crt
                  min_version: TLS13
                  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]
                  curve_preferences: [X25519, CurveP256]
                  client_allowed_sans: [client.example]
                http_server_config:
                  http2: false
                  headers:
                    X-Frame-Options: deny
                    Strict-Transport-Security: max-age=31536000
                basic_auth_users:
                  alice: %s
                rate_limit:
                  interval: 1s
                  burst: 20
                """.formatted(hash), dir);
        assertThat(c.tls().enabled()).isTrue();
        assertThat(c.tls().certFile()).isEqualTo(dir.resolve("server.crt"));
        assertThat(c.tls().keyFile()).isEqualTo(Path.of("/abs/server.key"));
        assertThat(c.tls().clientCaFile()).isEqualTo(dir.resolve("ca.crt"));
        assertThat(c.tls().clientAuth()).isEqualTo(ClientAuthType.REQUIRE_AND_VERIFY_CLIENT_CERT);
        assertThat(c.tls().minVersion()).isEqualTo(TlsVersion.TLS13);
        assertThat(c.tls().maxVersion()).isEqualTo(TlsVersion.TLS13);
        assertThat(c.tls().preferServerCipherSuites()).isTrue();
        assertThat(c.tls().curvePreferences()).containsExactly("X25519", "CurveP256");
        assertThat(c.http().http2()).isFalse();
        assertThat(c.http().headers()).containsEntry("X-Frame-Options", "deny").hasSize(2);
        assertThat(c.users()).containsOnlyKeys("alice");
        assertThat(c.rateLimit().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.rateLimit().burst()).isEqualTo(20);
    }

    @Test
    void emptyFileMeansPlainHttpWithoutAuthentication() throws Exception {
        WebConfig c = WebConfig.parse("web.yml", "", dir);
        assertThat(c.tls().enabled()).isFalse();
        assertThat(c.tls().minVersion()).isEqualTo(TlsVersion.TLS12);
        assertThat(c.users()).isEmpty();
        assertThat(c.http().http2()).isTrue();
        assertThat(c.rateLimit().interval()).isZero();
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  bogus: 1\n",
                        "web.yml:4: tls_server_config.bogus: field bogus not found in type web.TLSConfig"),
                Arguments.of("tls_config:\n  cert_file: a\n", "web.yml:1: tls_config: field tls_config not found in type web.Config"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n",
                        "web.yml:4: tls_server_config.client_auth_type: invalid ClientAuth: Sometimes"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS14\n",
                        "web.yml:4: tls_server_config.min_version: unknown TLS version: TLS14"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n",
                        "web.yml:4: tls_server_config.cipher_suites: unknown cipher: TLS_RSA_WITH_RC4_128_SHA"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [CurveP999]\n",
                        "web.yml:4: tls_server_config.curve_preferences: unknown curve: CurveP999"),
                Arguments.of("tls_server_config:\n  cert_file: a\n", "tls_server_config: missing one of key or key_file"),
                Arguments.of("tls_server_config:\n  key_file: a\n", "tls_server_config: missing one of cert or cert_file"),
                Arguments.of("tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n",
                        "missing one of cert or cert_file"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca\n",
                        "client CA's have been configured without a Client Auth Policy"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven\n"
                        + "  client_allowed_sans: [x]\n", "client_allowed_sans requires client_auth_type"),
                Arguments.of("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n",
                        "min_version TLS13 is above max_version TLS12"),
                Arguments.of("http_server_config:\n  headers:\n    Server: sextant\n",
                        "web.yml:3: http_server_config.headers: HTTP header \"Server\" can not be configured"),
                Arguments.of("http_server_config:\n  headers:\n    X-Frame-Options: always\n",
                        "invalid value for X-Frame-Options. Expected one of: [deny, sameorigin], but got: \"always\""),
                Arguments.of("http_server_config:\n  http2: maybe\n", "web.yml:2: http_server_config.http2: cannot unmarshal \"maybe\" into a bool"),
                Arguments.of("basic_auth_users:\n  alice: plaintext\n",
                        "web.yml:2: basic_auth_users.alice: crypto/bcrypt: hashedSecret too short to be a bcrypted password"),
                Arguments.of("basic_auth_users:\n  alice: $2y$99$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n",
                        "bcrypt cost 99 is outside allowed inclusive range 4..31"),
                Arguments.of("basic_auth_users:\n  alice: $3a$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze\n",
                        "bcrypt algorithm version '3' requested is newer than current version '2'"),
                Arguments.of("basic_auth_users: [alice]\n", "web.yml:1: basic_auth_users: cannot unmarshal a sequence into map[string]string"),
                Arguments.of("rate_limit:\n  interval: fast\n", "web.yml:2: rate_limit.interval: time: invalid duration \"fast\""),
                Arguments.of("tls_server_config:\n  cert_file: a\n  cert_file: b\n", "web.yml:3: tls_server_config.cert_file: key \"cert_file\" already set in map"),
                Arguments.of("tls_server_config: [\n", "web.yml:2: invalid YAML"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFilesAreRejectedWithFileLineAndKey(String yaml, String message) {
        assertThatThrownBy(() -> WebConfig.parse("web.yml", yaml, dir))
                .isInstanceOf(WebConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void everyClientAuthTypeOfTheToolkitIsAccepted() throws Exception {
        for (String t : List.of("NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert",
                "VerifyClientCertIfGiven", "RequireAndVerifyClientCert")) {
            WebConfig c = WebConfig.parse("web.yml", "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: " + t + "\n", dir);
            assertThat(c.tls().clientAuth()).as(t).isNotNull();
        }
    }

    @Test
    void validateLoadsPkcs8Pkcs1AndSec1KeysAndChecksThatTheyMatchTheCertificate() throws Exception {
        TestPki.Issued ca = TestPki.ca("test-ca");
        TestPki.Issued rsa = TestPki.server(ca, TestPki.rsa());
        TestPki.Issued ec = TestPki.server(ca, TestPki.ec());
        Files.writeString(dir.resolve("rsa.crt"), rsa.certPem());
        Files.writeString(dir.resolve("ec.crt"), ec.certPem() + ca.certPem()); // a chain
        Files.writeString(dir.resolve("rsa-pkcs8.key"), rsa.pkcs8Pem());
        Files.writeString(dir.resolve("rsa-pkcs1.key"), rsa.traditionalPem());
        Files.writeString(dir.resolve("ec-pkcs8.key"), ec.pkcs8Pem());
        Files.writeString(dir.resolve("ec-sec1.key"), ec.traditionalPem());
        assertThat(rsa.traditionalPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(ec.traditionalPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        for (String[] pair : new String[][] {{"rsa.crt", "rsa-pkcs8.key"}, {"rsa.crt", "rsa-pkcs1.key"},
                {"ec.crt", "ec-pkcs8.key"}, {"ec.crt", "ec-sec1.key"}}) {
            Path f = dir.resolve("web-" + pair[1] + ".yml");
            Files.writeString(f, "tls_server_config:\n  cert_file: " + pair[0] + "\n  key_file: " + pair[1] + "\n");
            assertThat(WebConfig.validate(f).tls().enabled()).as(pair[1]).isTrue();
        }
        Path mismatch = dir.resolve("mismatch.yml");
        Files.writeString(mismatch, "tls_server_config:\n  cert_file: rsa.crt\n  key_file: ec-pkcs8.key\n");
        assertThatThrownBy(() -> WebConfig.validate(mismatch)).hasMessageContaining("failed to load X509KeyPair")
                .hasMessageContaining("private key type does not match public key type");
        TestPki.Issued other = TestPki.server(ca, TestPki.rsa());
        Files.writeString(dir.resolve("other.key"), other.pkcs8Pem());
        Path wrongKey = dir.resolve("wrong.yml");
        Files.writeString(wrongKey, "tls_server_config:\n  cert_file: rsa.crt\n  key_file: other.key\n");
        assertThatThrownBy(() -> WebConfig.validate(wrongKey)).hasMessageContaining("private key does not match public key");
        Path missing = dir.resolve("missing.yml");
        Files.writeString(missing, "tls_server_config:\n  cert_file: nope.crt\n  key_file: other.key\n");
        assertThatThrownBy(() -> WebConfig.validate(missing)).hasMessageContaining("failed to read cert_file")
                .hasMessageContaining("nope.crt");
        Path inline = dir.resolve("inline.yml");
        Files.writeString(inline, "tls_server_config:\n  cert: |\n" + indent(rsa.certPem()) + "  key: |\n" + indent(rsa.traditionalPem()));
        assertThat(WebConfig.validate(inline).tls().enabled()).isTrue();
        Path encrypted = dir.resolve("enc.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Path enc = dir.resolve("enc.yml");
        Files.writeString(enc, "tls_server_config:\n  cert_file: rsa.crt\n  key_file: enc.key\n");
        assertThatThrownBy(() -> WebConfig.validate(enc)).hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void clientCaFileWithoutCertificatesIsAnError() throws Exception {
        TestPki.Issued ca = TestPki.ca("test-ca");
        TestPki.Issued server = TestPki.server(ca, TestPki.ec());
        server.write(dir.resolve("s.crt"), dir.resolve("s.key"));
        Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        Path f = dir.resolve("web.yml");
        Files.writeString(f, "tls_server_config:\n  cert_file: s.crt\n  key_file: s.key\n"
                + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n");
        assertThatThrownBy(() -> WebConfig.validate(f)).hasMessageContaining("client_ca_file")
                .hasMessageContaining("failed to find any PEM data");
    }

    @Test
    void goDurations() {
        assertThat(GoDurations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDurations.parse("0")).isZero();
        assertThatThrownBy(() -> GoDurations.parse("10")).hasMessageContaining("missing unit");
        assertThatThrownBy(() -> GoDurations.parse("1d")).hasMessageContaining("unknown unit \"d\"");
    }

    static String indent(String pem) {
        return ("    " + pem.replace("\n", "\n    ")).stripTrailing() + "\n";
    }
}
