package dev.sextant.scrape.discovery.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** A small but realistic cluster: one node, the apiserver service, a web app with a pod, slices and an ingress. */
final class Cluster {
    private Cluster() {}

    static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(Map.of("team", "obs")).endMetadata().build();
    }

    static Node node() {
        return new NodeBuilder()
                .withNewMetadata().withName("node-1")
                    .withLabels(Map.of("kubernetes.io/hostname", "node-1", "topology.kubernetes.io/zone", "us-east-1a"))
                    .withAnnotations(Map.of("node.alpha.kubernetes.io/ttl", "0")).endMetadata()
                .withNewSpec().withProviderID("aws:///us-east-1a/i-0abc").endSpec()
                .withNewStatus()
                    .addNewAddress().withType("Hostname").withAddress("node-1").endAddress()
                    .addNewAddress().withType("ExternalIP").withAddress("34.1.1.1").endAddress()
                    .addNewAddress().withType("InternalIP").withAddress("10.0.0.1").endAddress()
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .addNewCondition().withType("MemoryPressure").withStatus("False").endCondition()
                    .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint().endDaemonEndpoints()
                .endStatus()
                .build();
    }

    static Service apiService() {
        return new ServiceBuilder()
                .withNewMetadata().withName("kubernetes").withNamespace("default")
                    .withLabels(Map.of("component", "apiserver", "provider", "kubernetes")).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.1")
                    .addNewPort().withName("https").withPort(443).withProtocol("TCP").endPort().endSpec()
                .build();
    }

    static Endpoints apiEndpoints() {
        return new EndpointsBuilder()
                .withNewMetadata().withName("kubernetes").withNamespace("default").endMetadata()
                .addNewSubset()
                    .addNewAddress().withIp("10.0.0.1").endAddress()
                    .addNewPort().withName("https").withPort(6443).withProtocol("TCP").endPort()
                .endSubset()
                .build();
    }

    static Service webService() {
        return new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("shop").withLabels(Map.of("app", "web"))
                    .withAnnotations(Map.of("prometheus.io/scrape", "true")).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.50")
                    .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
                    .addNewPort().withName("metrics").withPort(9100).withProtocol("TCP").endPort().endSpec()
                .build();
    }

    static Pod webPod(String name, String ip, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("shop").withUid("uid-" + name).withLabels(labels)
                    .withAnnotations(Map.of("kubectl.kubernetes.io/default-container", "app"))
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-7d4b9")
                        .withUid("rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName("node-1")
                    .withContainers(
                        new ContainerBuilder().withName("app").withImage("nginx:1.25")
                            .withPorts(new ContainerPortBuilder().withName("http").withContainerPort(8080).withProtocol("TCP").build(),
                                    new ContainerPortBuilder().withName("metrics").withContainerPort(9100).withProtocol("TCP").build())
                            .build(),
                        new ContainerBuilder().withName("sidecar").withImage("envoy:1.30").build())
                    .withInitContainers(new ContainerBuilder().withName("init").withImage("busybox:1.36").build())
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).withHostIP("10.0.0.1")
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .addNewContainerStatus().withName("app").withContainerID("containerd://aaa").endContainerStatus()
                    .addNewContainerStatus().withName("sidecar").withContainerID("containerd://bbb").endContainerStatus()
                    .addNewInitContainerStatus().withName("init").withContainerID("containerd://ccc").endInitContainerStatus()
                .endStatus()
                .build();
    }

    static Pod pendingPod() {
        return new PodBuilder()
                .withNewMetadata().withName("pending").withNamespace("shop").withLabels(Map.of("app", "batch")).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("x").addNewPort().withContainerPort(80).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
    }

    static Endpoints webEndpoints() {
        return new EndpointsBuilder()
                .withNewMetadata().withName("web").withNamespace("shop").withLabels(Map.of("app", "web")).endMetadata()
                .addNewSubset()
                    .addNewAddress().withIp("10.1.0.5").withNodeName("node-1")
                        .withNewTargetRef().withKind("Pod").withName("web-abc").withNamespace("shop").endTargetRef().endAddress()
                    .addNewNotReadyAddress().withIp("10.1.0.6").withHostname("web-old").endNotReadyAddress()
                    .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .endSubset()
                .build();
    }

    static EndpointSlice webSlice() {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName("web-x1").withNamespace("shop")
                    .withLabels(Map.of("kubernetes.io/service-name", "web", "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.1.0.5").withNodeName("node-1").withZone("us-east-1a")
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .withNewTargetRef().withKind("Pod").withName("web-abc").withNamespace("shop").endTargetRef()
                .endEndpoint()
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").withAppProtocol("http").endPort()
                .build();
    }

    static Ingress webIngress() {
        return new IngressBuilder()
                .withNewMetadata().withName("web-ing").withNamespace("shop").withLabels(Map.of("app", "web")).endMetadata()
                .withNewSpec().withIngressClassName("nginx")
                    .addNewTl().withHosts("*.example.com").endTl()
                    .addNewRule().withHost("web.example.com").withNewHttp()
                        .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web")
                            .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                        .addNewPath().withPath("/api").withPathType("Prefix").withNewBackend().withNewService().withName("web")
                            .withNewPort().withNumber(80).endPort().endService().endBackend().endPath()
                    .endHttp().endRule()
                    .addNewRule().withHost("plain.org").endRule()
                .endSpec()
                .build();
    }

    static void create(KubernetesClient c) {
        c.namespaces().resource(namespace("default")).create();
        c.namespaces().resource(namespace("shop")).create();
        c.nodes().resource(node()).create();
        c.services().inNamespace("default").resource(apiService()).create();
        c.endpoints().inNamespace("default").resource(apiEndpoints()).create();
        c.services().inNamespace("shop").resource(webService()).create();
        c.pods().inNamespace("shop").resource(webPod("web-abc", "10.1.0.5", Map.of("app", "web", "pod-template-hash", "7d4b9"))).create();
        c.pods().inNamespace("shop").resource(pendingPod()).create();
        c.endpoints().inNamespace("shop").resource(webEndpoints()).create();
        c.discovery().v1().endpointSlices().inNamespace("shop").resource(webSlice()).create();
        c.network().v1().ingresses().inNamespace("shop").resource(webIngress()).create();
    }
}
