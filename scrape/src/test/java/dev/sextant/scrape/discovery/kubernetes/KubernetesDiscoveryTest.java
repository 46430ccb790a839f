package dev.sextant.scrape.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfigFile;
import dev.sextant.scrape.loop.ActiveTarget;
import dev.sextant.scrape.loop.ScrapeManager;
import dev.sextant.tsdb.memory.MemoryStorage;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Loads Prometheus's prometheus-kubernetes.yml unchanged and checks, against fabric8's mock API server
 * in CRUD mode, that every job yields the targets Prometheus would. The discoverers use the in-cluster
 * code path (no api_server); fabric8's system properties point it at the mock server.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesDiscoveryTest {
    static final Path EXAMPLE = Path.of("../../shared/prometheus-examples/documentation/examples/prometheus-kubernetes.yml");

    KubernetesClient client;
    ScrapeManager manager;

    @BeforeEach
    void setUp() {
        System.setProperty("kubernetes.master", client.getMasterUrl().toString());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("kubernetes.trust.certificates", "true");
        manager = new ScrapeManager(new MemoryStorage(), Clock.systemUTC(), new ScrapeManager.Options(20, 2, 0));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        System.clearProperty("kubernetes.master");
        System.clearProperty("kubernetes.auth.tryKubeConfig");
        System.clearProperty("kubernetes.auth.tryServiceAccount");
        System.clearProperty("kubernetes.trust.certificates");
    }

    Set<String> targets(String job) {
        Set<String> out = new TreeSet<>();
        for (ActiveTarget t : manager.targets().activeTargets()) {
            if (t.scrapePool().equals(job)) {
                out.add(t.scrapeUrl() + " " + t.labels());
            }
        }
        return out;
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

    void awaitTargets(String job, Set<String> expected) throws InterruptedException {
        try {
            await(job, () -> targets(job).equals(expected));
        } catch (AssertionError e) {
            assertThat(targets(job)).as(job).isEqualTo(expected);
        }
    }

    @Test
    void everyJobOfTheExampleYieldsPrometheusTargets() throws Exception {
        Cluster.create(client);
        manager.applyConfig(ScrapeConfigFile.load(EXAMPLE));

        awaitTargets("kubernetes-apiservers", Set.of(
                "https://10.0.0.1:6443/metrics {instance=10.0.0.1:6443, job=kubernetes-apiservers}"));
        awaitTargets("kubernetes-nodes", Set.of(
                "https://10.0.0.1:10250/metrics {instance=node-1, job=kubernetes-nodes, kubernetes_io_hostname=node-1, topology_kubernetes_io_zone=us-east-1a}"));
        awaitTargets("kubernetes-cadvisor", Set.of(
                "https://10.0.0.1:10250/metrics/cadvisor {instance=node-1, job=kubernetes-cadvisor, kubernetes_io_hostname=node-1, topology_kubernetes_io_zone=us-east-1a}"));
        awaitTargets("kubernetes-service-endpoints", Set.of(
                "http://10.0.0.1:6443/metrics {component=apiserver, instance=10.0.0.1:6443, job=kubernetes-service-endpoints, namespace=default, provider=kubernetes, service=kubernetes}",
                "http://10.1.0.5:8080/metrics {app=web, instance=10.1.0.5:8080, job=kubernetes-service-endpoints, namespace=shop, service=web}",
                "http://10.1.0.6:8080/metrics {app=web, instance=10.1.0.6:8080, job=kubernetes-service-endpoints, namespace=shop, service=web}",
                "http://10.1.0.5:9100/metrics {app=web, instance=10.1.0.5:9100, job=kubernetes-service-endpoints, namespace=shop, service=web}"));
        awaitTargets("kubernetes-services", Set.of(
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=kubernetes.default.svc%3A443 {component=apiserver, instance=kubernetes.default.svc:443, job=kubernetes-services, namespace=default, provider=kubernetes, service=kubernetes}",
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=web.shop.svc%3A80 {app=web, instance=web.shop.svc:80, job=kubernetes-services, namespace=shop, service=web}",
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=web.shop.svc%3A9100 {app=web, instance=web.shop.svc:9100, job=kubernetes-services, namespace=shop, service=web}"));
        awaitTargets("kubernetes-ingresses", Set.of(
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=https%3A%2F%2Fweb.example.com%2F {app=web, ingress=web-ing, instance=https://web.example.com/, job=kubernetes-ingresses, namespace=shop}",
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=https%3A%2F%2Fweb.example.com%2Fapi {app=web, ingress=web-ing, instance=https://web.example.com/api, job=kubernetes-ingresses, namespace=shop}",
                "http://blackbox-exporter.example.com:9115/probe?module=http_2xx&target=http%3A%2F%2Fplain.org%2F {app=web, ingress=web-ing, instance=http://plain.org/, job=kubernetes-ingresses, namespace=shop}"));
        awaitTargets("kubernetes-pods", Set.of(
                "http://10.1.0.5:8080/metrics {app=web, instance=10.1.0.5:8080, job=kubernetes-pods, namespace=shop, pod=web-abc, pod_template_hash=7d4b9}",
                "http://10.1.0.5:9100/metrics {app=web, instance=10.1.0.5:9100, job=kubernetes-pods, namespace=shop, pod=web-abc, pod_template_hash=7d4b9}",
                "http://10.1.0.5/metrics {app=web, instance=10.1.0.5, job=kubernetes-pods, namespace=shop, pod=web-abc, pod_template_hash=7d4b9}"));
        // The apiservers job keeps only the apiserver endpoint; the other four are dropped (and kept for the API).
        assertThat(manager.targets().droppedTargetCounts()).containsEntry("kubernetes-apiservers", 3);

        // Watch updates: a pod is added, relabeled, deleted.
        client.pods().inNamespace("shop").resource(Cluster.webPod("web-new", "10.1.0.9", java.util.Map.of("app", "web"))).create();
        await("new pod", () -> targets("kubernetes-pods").stream().anyMatch(s -> s.contains("pod=web-new")));
        client.pods().inNamespace("shop").withName("web-new").edit(p -> {
            p.getMetadata().setLabels(java.util.Map.of("app", "web", "release", "canary"));
            return p;
        });
        await("relabeled pod", () -> targets("kubernetes-pods").contains(
                "http://10.1.0.9:8080/metrics {app=web, instance=10.1.0.9:8080, job=kubernetes-pods, namespace=shop, pod=web-new, release=canary}"));
        client.pods().inNamespace("shop").withName("web-new").delete();
        await("deleted pod", () -> targets("kubernetes-pods").stream().noneMatch(s -> s.contains("pod=web-new")));
        assertThat(targets("kubernetes-pods")).hasSize(3);
    }
}
