package dev.sextant.scrape.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.tsdb.memory.MemoryStorage;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https scrapes with tls_config: CA file, client certificate (mutual TLS), insecure_skip_verify. */
class TlsScrapeTest {
    static void keytool(Path dir, String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool " + String.join(" ", args) + ": " + out).isZero();
    }

    static void keypair(Path dir, String name) throws Exception {
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", name + ".p12", "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        keytool(dir, "-exportcert", "-rfc", "-alias", name, "-keystore", name + ".p12", "-storepass", "changeit", "-file", name + ".pem");
    }

    static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(p.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    @Test
    void caFileClientCertificateAndInsecureSkipVerify(@TempDir Path dir) throws Exception {
        keypair(dir, "server");
        keypair(dir, "client");
        KeyStore clientKs = load(dir.resolve("client.p12"));
        byte[] pkcs8 = clientKs.getKey("client", "changeit".toCharArray()).getEncoded();
        Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(dir.resolve("server.p12")), "changeit".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("client", clientKs.getCertificate("client"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/metrics", ex -> {
            byte[] b = "secure_metric 1\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.start();
        String addr = "127.0.0.1:" + server.getAddress().getPort();
        String yaml = """
                scrape_configs:
                  - job_name: mtls
                    scheme: https
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    tls_config: {ca_file: server.pem, cert_file: client.pem, key_file: client-key.pem}
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: insecure
                    scheme: https
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    tls_config: {insecure_skip_verify: true, cert_file: client.pem, key_file: client-key.pem}
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: nocert
                    scheme: https
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    tls_config: {ca_file: server.pem}
                    static_configs: [{targets: ['%1$s']}]
                  - job_name: untrusted
                    scheme: https
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    tls_config: {cert_file: client.pem, key_file: client-key.pem}
                    static_configs: [{targets: ['%1$s']}]
                """.formatted(addr);
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, yaml);
        MemoryStorage storage = new MemoryStorage();
        try (ScrapeManager m = new ScrapeManager(storage, Clock.systemUTC(), new ScrapeManager.Options(10, 2, 0))) {
            m.applyConfig(ScrapeConfigFile.load(cfg));
            for (String job : new String[] {"mtls", "insecure", "nocert", "untrusted"}) {
                Stored.await(job, () -> Stored.samples(storage, "up", "job", job).size() >= 1);
            }
            // The first handshakes on a busy machine can be slow; success must come within a few scrapes.
            // A later handshake may be slow too: wait for the target's health and the metric, not just up.
            for (String job : new String[] {"mtls", "insecure"}) {
                Stored.await(job + " up", () -> Stored.lastValue(storage, "up", "job", job) == 1
                        && m.targets().activeTargets().stream().anyMatch(t -> t.scrapePool().equals(job) && t.health().equals("up")));
            }
            Stored.await("secure_metric", () -> Stored.lastValue(storage, "secure_metric", "job", "mtls") == 1);
            Map<String, ActiveTarget> byJob = new HashMap<>();
            for (ActiveTarget t : m.targets().activeTargets()) {
                byJob.put(t.scrapePool(), t);
            }
            assertThat(byJob.get("mtls").health()).as(byJob.get("mtls").lastError()).isEqualTo("up");
            assertThat(byJob.get("insecure").health()).as(byJob.get("insecure").lastError()).isEqualTo("up");
            assertThat(Stored.lastValue(storage, "secure_metric", "job", "mtls")).isEqualTo(1);
            assertThat(byJob.get("nocert").health()).isEqualTo("down");
            assertThat(byJob.get("untrusted").health()).isEqualTo("down");
            assertThat(byJob.get("untrusted").lastError()).isNotEmpty();
        } finally {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
