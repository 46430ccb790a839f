package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/security.md documents every key the parser accepts, and the README points to it. */
class SecurityDocTest {
    static String read(String file) throws Exception {
        Path p = Path.of("..", file);
        assertThat(p).as("run from the api module").exists();
        return Files.readString(p);
    }

    @Test
    void everyAcceptedKeyIsDocumented() throws Exception {
        String doc = read("docs/security.md");
        for (String k : WebConfig.TOP_KEYS) {
            assertThat(doc).as(k).contains("`" + k);
        }
        for (String k : WebConfig.TLS_KEYS) {
            assertThat(doc.contains("tls_server_config." + k) || doc.contains("| `tls_server_config.") && doc.contains(", `" + k + "`")).as(k).isTrue();
        }
        for (String k : WebConfig.HTTP_KEYS) {
            assertThat(doc.contains("http_server_config." + k) || doc.contains("| `http_server_config.") && doc.contains(", `" + k + "`")).as(k).isTrue();
        }
        for (String k : WebConfig.RATE_KEYS) {
            assertThat(doc.contains("rate_limit." + k) || doc.contains("| `rate_limit.") && doc.contains(", `" + k + "`")).as(k).isTrue();
        }
        for (WebConfig.TlsVersion v : WebConfig.TlsVersion.values()) {
            assertThat(doc).contains("`" + v.name() + "`").contains(v.jsseName());
        }
        for (String curve : WebConfig.CURVES.keySet()) {
            assertThat(doc).contains(curve);
        }
        for (String mode : new String[] {"NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven",
                "RequireAndVerifyClientCert"}) {
            assertThat(doc).contains("`" + mode + "`");
        }
        assertThat(read("README.md")).contains("--web.config.file").contains("docs/security.md");
    }
}
