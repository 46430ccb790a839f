package dev.sextant.scrape.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.discovery.Discoverer;
import dev.sextant.scrape.discovery.DiscovererFactory;
import dev.sextant.scrape.discovery.TargetGroup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubeconfig_file and own_namespace, through the same factory the manager uses. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesConnectionTest {
    KubernetesClient client;

    @Test
    void kubeconfigFileAndOwnNamespace(@TempDir Path dir) throws Exception {
        Cluster.create(client);
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                contexts:
                - name: mock
                  context: {cluster: mock, user: u, namespace: shop}
                current-context: mock
                users:
                - name: u
                  user: {token: abc}
                """.formatted(client.getMasterUrl()));
        Path cfgFile = dir.resolve("prometheus.yml");
        Files.writeString(cfgFile, """
                scrape_configs:
                  - job_name: svc
                    kubernetes_sd_configs:
                      - role: service
                        kubeconfig_file: kubeconfig
                        namespaces: {own_namespace: true}
                """);
        ScrapeConfig cfg = ScrapeConfigFile.load(cfgFile).scrapeConfigs().get(0);
        assertThat(cfg.kubernetesSdConfigs().get(0).kubeconfigFile()).isEqualTo(kubeconfig.toString());
        Map<String, TargetGroup> groups = new ConcurrentHashMap<>();
        List<Discoverer> ds = DiscovererFactory.create(cfg);
        assertThat(ds).hasSize(1);
        try (Discoverer d = ds.get(0)) {
            d.start(update -> update.forEach(g -> groups.put(g.source(), g)));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!groups.containsKey("svc/shop/web")) {
                assertThat(System.currentTimeMillis()).as("service discovered").isLessThan(deadline);
                Thread.sleep(25);
            }
            Thread.sleep(300);
            // Only the own namespace (from the kubeconfig context, no service-account file here) is watched.
            assertThat(groups).containsOnlyKeys("svc/shop/web");
            assertThat(groups.get("svc/shop/web").targets()).hasSize(2);
        }
    }
}
