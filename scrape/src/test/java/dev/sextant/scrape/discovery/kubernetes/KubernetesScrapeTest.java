package dev.sextant.scrape.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.loop.ActiveTarget;
import dev.sextant.scrape.loop.ScrapeManager;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.model.StaleNaN;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SeriesSet;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end through discovery and scraping: pods whose IP is 127.0.0.1 and whose container port is
 * a local fake exporter, discovered with an explicit {@code api_server}, namespace list and label
 * selector. A pod that is added gets scraped, relabeled changes its series, deleted goes stale.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesScrapeTest {
    KubernetesClient client;
    HttpServer exporter;
    MemoryStorage storage;
    ScrapeManager manager;

    @BeforeEach
    void setUp() throws Exception {
        exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", ex -> {
            byte[] b = "app_requests_total 42\n".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        exporter.start();
        storage = new MemoryStorage();
        manager = new ScrapeManager(storage, Clock.systemUTC(), new ScrapeManager.Options(20, 2, 0));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        exporter.stop(0);
    }

    Pod pod(String name, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("apps").withLabels(labels).endMetadata()
                .withNewSpec().withContainers(new ContainerBuilder().withName("app").withImage("app:1")
                        .withPorts(new ContainerPortBuilder().withName("metrics").withContainerPort(exporter.getAddress().getPort()).build()).build())
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").endStatus().build();
    }

    static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    /** Last value per distinct {@code pod} label of app_requests_total. */
    Map<String, Double> lastByPod() {
        Map<String, Double> out = new java.util.TreeMap<>();
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet s = q.select(true, null, Matcher.equal("__name__", "app_requests_total"));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                double last = Double.NaN;
                while (it.next()) {
                    last = it.atV();
                }
                out.put(s.at().labels().get("pod") + "/" + s.at().labels().get("track"), last);
            }
        }
        return out;
    }

    @Test
    void podAddedRelabeledDeleted() throws Exception {
        client.namespaces().resource(Cluster.namespace("apps")).create();
        client.namespaces().resource(Cluster.namespace("other")).create();
        client.pods().inNamespace("apps").resource(pod("a1", Map.of("app", "shop", "track", "stable"))).create();
        client.pods().inNamespace("apps").resource(pod("ignored", Map.of("app", "other"))).create();
        manager.applyConfig(ScrapeConfigFile.parse("k8s.yml", """
                scrape_configs:
                  - job_name: pods
                    scrape_interval: 300ms
                    scrape_timeout: 250ms
                    kubernetes_sd_configs:
                      - role: pod
                        api_server: %s
                        namespaces: {names: [apps]}
                        selectors: [{role: pod, label: "app=shop"}]
                    relabel_configs:
                      - source_labels: [__meta_kubernetes_pod_name]
                        target_label: pod
                      - source_labels: [__meta_kubernetes_pod_label_track]
                        target_label: track
                """.formatted(client.getMasterUrl())));
        await("a1 scraped", () -> lastByPod().getOrDefault("a1/stable", 0.0) == 42);
        List<ActiveTarget> active = manager.targets().activeTargets();
        assertThat(active).hasSize(1);
        // A later scrape may time out (250 ms) on a loaded machine: wait for a healthy one.
        await("a1 target up", () -> manager.targets().activeTargets().get(0).health().equals("up"));

        client.pods().inNamespace("apps").resource(pod("a2", Map.of("app", "shop", "track", "stable"))).create();
        await("a2 scraped", () -> lastByPod().getOrDefault("a2/stable", 0.0) == 42);

        client.pods().inNamespace("apps").withName("a2").edit(p -> {
            p.getMetadata().setLabels(Map.of("app", "shop", "track", "canary"));
            return p;
        });
        await("a2 relabeled", () -> lastByPod().getOrDefault("a2/canary", 0.0) == 42);
        await("old a2 series stale", () -> StaleNaN.isStale(lastByPod().getOrDefault("a2/stable", 0.0)));

        client.pods().inNamespace("apps").withName("a1").delete();
        await("a1 stale", () -> StaleNaN.isStale(lastByPod().getOrDefault("a1/stable", 0.0)));
        await("a2 still scraped", () -> lastByPod().getOrDefault("a2/canary", 0.0) == 42);
        assertThat(lastByPod()).doesNotContainKey("ignored/");
        assertThat(manager.targets().activeTargets()).extracting(t -> t.labels().get("pod")).containsExactly("a2");
    }
}
