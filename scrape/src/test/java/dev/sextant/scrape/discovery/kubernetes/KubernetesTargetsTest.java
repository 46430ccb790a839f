package dev.sextant.scrape.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins every meta label of each role for realistic objects (config-and-rules.md section 6.3). */
class KubernetesTargetsTest {
    static final String M = "__meta_kubernetes_";
    final Pod pod = Cluster.webPod("web-abc", "10.1.0.5", Map.of("app", "web", "pod-template-hash", "7d4b9"));

    final KubernetesTargets.Lookup lookup = new KubernetesTargets.Lookup() {
        @Override
        public Service service(String ns, String name) {
            return ns.equals("shop") && name.equals("web") ? Cluster.webService() : null;
        }

        @Override
        public Pod pod(String ns, String name) {
            return name.equals("web-abc") ? pod : null;
        }

        @Override
        public Node node(String name) {
            return name.equals("node-1") ? Cluster.node() : null;
        }

        @Override
        public Namespace namespace(String name) {
            return Cluster.namespace(name);
        }

        @Override
        public String deploymentOf(String ns, String rs) {
            return rs.equals("web-7d4b9") ? "web" : null;
        }

        @Override
        public String cronJobOf(String ns, String job) {
            return job.equals("backup-2891") ? "backup" : null;
        }
    };

    /** Full label sets of the group's targets (target labels over group labels). */
    static List<Labels> full(TargetGroup g) {
        List<Labels> out = new ArrayList<>();
        for (Labels t : g.targets()) {
            LabelsBuilder b = new LabelsBuilder(g.labels());
            for (int i = 0; i < t.size(); i++) {
                b.set(t.name(i), t.value(i));
            }
            out.add(b.build());
        }
        return out;
    }

    static Labels labels(String... kv) {
        return Labels.of(kv);
    }

    static final String[] POD_LABELS = {
        M + "namespace", "shop", M + "pod_name", "web-abc", M + "pod_ip", "10.1.0.5", M + "pod_ready", "true",
        M + "pod_phase", "Running", M + "pod_node_name", "node-1", M + "pod_host_ip", "10.0.0.1", M + "pod_uid", "uid-web-abc",
        M + "pod_controller_kind", "ReplicaSet", M + "pod_controller_name", "web-7d4b9",
        M + "pod_label_app", "web", M + "pod_labelpresent_app", "true",
        M + "pod_label_pod_template_hash", "7d4b9", M + "pod_labelpresent_pod_template_hash", "true",
        M + "pod_annotation_kubectl_kubernetes_io_default_container", "app",
        M + "pod_annotationpresent_kubectl_kubernetes_io_default_container", "true",
    };

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void podRole() {
        TargetGroup g = KubernetesTargets.pod(pod, lookup, KubernetesTargets.Attach.NONE);
        assertThat(g.source()).isEqualTo("pod/shop/web-abc");
        assertThat(full(g)).containsExactly(
                labels(concat(POD_LABELS, "__address__", "10.1.0.5:8080", M + "pod_container_name", "app",
                        M + "pod_container_image", "nginx:1.25", M + "pod_container_id", "containerd://aaa",
                        M + "pod_container_init", "false", M + "pod_container_port_name", "http",
                        M + "pod_container_port_number", "8080", M + "pod_container_port_protocol", "TCP")),
                labels(concat(POD_LABELS, "__address__", "10.1.0.5:9100", M + "pod_container_name", "app",
                        M + "pod_container_image", "nginx:1.25", M + "pod_container_id", "containerd://aaa",
                        M + "pod_container_init", "false", M + "pod_container_port_name", "metrics",
                        M + "pod_container_port_number", "9100", M + "pod_container_port_protocol", "TCP")),
                labels(concat(POD_LABELS, "__address__", "10.1.0.5", M + "pod_container_name", "sidecar",
                        M + "pod_container_image", "envoy:1.30", M + "pod_container_id", "containerd://bbb",
                        M + "pod_container_init", "false")),
                labels(concat(POD_LABELS, "__address__", "10.1.0.5", M + "pod_container_name", "init",
                        M + "pod_container_image", "busybox:1.36", M + "pod_container_id", "containerd://ccc",
                        M + "pod_container_init", "true")));
        assertThat(KubernetesTargets.pod(Cluster.pendingPod(), lookup, KubernetesTargets.Attach.NONE).targets()).isEmpty();
    }

    @Test
    void podRoleWithAttachedNodeAndNamespace() {
        TargetGroup g = KubernetesTargets.pod(pod, lookup, new KubernetesTargets.Attach(true, true));
        assertThat(g.labels().get(M + "node_name")).isEqualTo("node-1");
        assertThat(g.labels().get(M + "node_label_topology_kubernetes_io_zone")).isEqualTo("us-east-1a");
        assertThat(g.labels().get(M + "node_labelpresent_kubernetes_io_hostname")).isEqualTo("true");
        assertThat(g.labels().get(M + "namespace_label_team")).isEqualTo("obs");
        assertThat(g.labels().get(M + "namespace_labelpresent_team")).isEqualTo("true");
    }

    @Test
    void podRoleWithAttachedWorkloads() {
        KubernetesTargets.Attach all = new KubernetesTargets.Attach(false, false, true, true, true);
        assertThat(KubernetesTargets.pod(pod, lookup, all).labels().get(M + "pod_deployment_name")).isEqualTo("web");
        Pod jobPod = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editMetadata().withName("backup-2891-x").withOwnerReferences(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withKind("Job").withName("backup-2891").withController(true).build())
                .endMetadata().build();
        Labels g = KubernetesTargets.pod(jobPod, lookup, all).labels();
        assertThat(g.get(M + "pod_job_name")).isEqualTo("backup-2891");
        assertThat(g.get(M + "pod_cronjob_name")).isEqualTo("backup");
        assertThat(g.has(M + "pod_deployment_name")).isFalse();
        assertThat(KubernetesTargets.pod(jobPod, lookup, KubernetesTargets.Attach.NONE).labels().has(M + "pod_job_name")).isFalse();
    }

    @Test
    void nodeRole() {
        TargetGroup g = KubernetesTargets.node(Cluster.node());
        assertThat(g.source()).isEqualTo("node/node-1");
        assertThat(full(g)).containsExactly(labels(
                "__address__", "10.0.0.1:10250", "instance", "node-1",
                M + "node_name", "node-1", M + "node_provider_id", "aws:///us-east-1a/i-0abc",
                M + "node_label_kubernetes_io_hostname", "node-1", M + "node_labelpresent_kubernetes_io_hostname", "true",
                M + "node_label_topology_kubernetes_io_zone", "us-east-1a", M + "node_labelpresent_topology_kubernetes_io_zone", "true",
                M + "node_annotation_node_alpha_kubernetes_io_ttl", "0", M + "node_annotationpresent_node_alpha_kubernetes_io_ttl", "true",
                M + "node_address_InternalIP", "10.0.0.1", M + "node_address_ExternalIP", "34.1.1.1", M + "node_address_Hostname", "node-1",
                M + "node_condition_ready", "true", M + "node_condition_memorypressure", "false"));
    }

    @Test
    void serviceRole() {
        String[] common = {
            M + "namespace", "shop", M + "service_name", "web", M + "service_type", "ClusterIP", M + "service_cluster_ip", "10.96.0.50",
            M + "service_label_app", "web", M + "service_labelpresent_app", "true",
            M + "service_annotation_prometheus_io_scrape", "true", M + "service_annotationpresent_prometheus_io_scrape", "true",
        };
        assertThat(full(KubernetesTargets.service(Cluster.webService(), lookup, KubernetesTargets.Attach.NONE))).containsExactly(
                labels(concat(common, "__address__", "web.shop.svc:80", M + "service_port_name", "http",
                        M + "service_port_number", "80", M + "service_port_protocol", "TCP")),
                labels(concat(common, "__address__", "web.shop.svc:9100", M + "service_port_name", "metrics",
                        M + "service_port_number", "9100", M + "service_port_protocol", "TCP")));
        Service ext = new ServiceBuilder().withNewMetadata().withName("ext").withNamespace("shop").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("db.example.com").addNewPort().withPort(5432).endPort().endSpec().build();
        Labels e = full(KubernetesTargets.service(ext, lookup, KubernetesTargets.Attach.NONE)).get(0);
        assertThat(e.get(M + "service_external_name")).isEqualTo("db.example.com");
        assertThat(e.has(M + "service_cluster_ip")).isFalse();
        Service lb = new ServiceBuilder().withNewMetadata().withName("lb").withNamespace("shop").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP("10.96.0.9").addNewPort().withPort(443).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("1.2.3.4").endIngress().addNewIngress().withIp("5.6.7.8").endIngress()
                .endLoadBalancer().endStatus().build();
        assertThat(full(KubernetesTargets.service(lb, lookup, KubernetesTargets.Attach.NONE)).get(0).get(M + "service_loadbalancer_ip"))
                .isEqualTo("1.2.3.4,5.6.7.8");
    }

    static final String[] WEB_SVC = {
        M + "namespace", "shop", M + "service_name", "web", M + "service_label_app", "web", M + "service_labelpresent_app", "true",
        M + "service_annotation_prometheus_io_scrape", "true", M + "service_annotationpresent_prometheus_io_scrape", "true",
    };

    static final String[] CONTAINER_APP = {
        M + "pod_container_name", "app", M + "pod_container_image", "nginx:1.25", M + "pod_container_id", "containerd://aaa",
        M + "pod_container_init", "false",
    };

    @Test
    void endpointsRole() {
        String[] group = concat(WEB_SVC, M + "endpoints_name", "web", M + "endpoints_label_app", "web", M + "endpoints_labelpresent_app", "true");
        List<Labels> got = full(KubernetesTargets.endpoints(Cluster.webEndpoints(), lookup, KubernetesTargets.Attach.NONE));
        String[] podBacked = concat(concat(concat(group, POD_LABELS), CONTAINER_APP),
                "__address__", "10.1.0.5:8080", M + "endpoint_port_name", "http", M + "endpoint_port_protocol", "TCP",
                M + "endpoint_ready", "true", M + "endpoint_node_name", "node-1",
                M + "endpoint_address_target_kind", "Pod", M + "endpoint_address_target_name", "web-abc",
                M + "pod_container_port_name", "http", M + "pod_container_port_number", "8080", M + "pod_container_port_protocol", "TCP");
        String[] notReady = concat(group, "__address__", "10.1.0.6:8080", M + "endpoint_port_name", "http",
                M + "endpoint_port_protocol", "TCP", M + "endpoint_ready", "false", M + "endpoint_hostname", "web-old");
        String[] extra = concat(concat(concat(group, POD_LABELS), CONTAINER_APP), "__address__", "10.1.0.5:9100",
                M + "pod_container_port_name", "metrics", M + "pod_container_port_number", "9100", M + "pod_container_port_protocol", "TCP");
        assertThat(got).containsExactly(labels(podBacked), labels(notReady), labels(extra));
    }

    @Test
    void endpointSliceRole() {
        String[] group = concat(WEB_SVC, M + "endpointslice_name", "web-x1", M + "endpointslice_address_type", "IPv4",
                M + "endpointslice_label_kubernetes_io_service_name", "web", M + "endpointslice_labelpresent_kubernetes_io_service_name", "true",
                M + "endpointslice_label_endpointslice_kubernetes_io_managed_by", "endpointslice-controller.k8s.io",
                M + "endpointslice_labelpresent_endpointslice_kubernetes_io_managed_by", "true");
        List<Labels> got = full(KubernetesTargets.endpointSlice(Cluster.webSlice(), lookup, KubernetesTargets.Attach.NONE));
        String[] first = concat(concat(concat(group, POD_LABELS), CONTAINER_APP),
                "__address__", "10.1.0.5:8080", M + "endpointslice_port", "8080", M + "endpointslice_port_name", "http",
                M + "endpointslice_port_protocol", "TCP", M + "endpointslice_port_app_protocol", "http",
                M + "endpointslice_endpoint_conditions_ready", "true", M + "endpointslice_endpoint_conditions_serving", "true",
                M + "endpointslice_endpoint_conditions_terminating", "false", M + "endpointslice_endpoint_node_name", "node-1",
                M + "endpointslice_endpoint_zone", "us-east-1a", M + "endpointslice_address_target_kind", "Pod",
                M + "endpointslice_address_target_name", "web-abc",
                M + "pod_container_port_name", "http", M + "pod_container_port_number", "8080", M + "pod_container_port_protocol", "TCP");
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).isEqualTo(labels(first));
        assertThat(got.get(1).get("__address__")).isEqualTo("10.1.0.5:9100");
        assertThat(got.get(1).get(M + "pod_container_port_name")).isEqualTo("metrics");
        assertThat(got.get(1).has(M + "endpointslice_port")).isFalse();
    }

    @Test
    void ingressRole() {
        String[] group = {M + "namespace", "shop", M + "ingress_name", "web-ing", M + "ingress_class_name", "nginx",
            M + "ingress_label_app", "web", M + "ingress_labelpresent_app", "true"};
        assertThat(full(KubernetesTargets.ingress(Cluster.webIngress(), lookup, KubernetesTargets.Attach.NONE))).containsExactly(
                labels(concat(group, "__address__", "web.example.com", M + "ingress_scheme", "https", M + "ingress_host", "web.example.com", M + "ingress_path", "/")),
                labels(concat(group, "__address__", "web.example.com", M + "ingress_scheme", "https", M + "ingress_host", "web.example.com", M + "ingress_path", "/api")),
                labels(concat(group, "__address__", "plain.org", M + "ingress_scheme", "http", M + "ingress_host", "plain.org", M + "ingress_path", "/")));
    }

    @Test
    void sanitizesNames() {
        assertThat(KubernetesTargets.sanitize("app.kubernetes.io/name-x")).isEqualTo("app_kubernetes_io_name_x");
    }
}
