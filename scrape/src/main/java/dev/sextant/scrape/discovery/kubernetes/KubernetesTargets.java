package dev.sextant.scrape.discovery.kubernetes;

import dev.sextant.scrape.discovery.TargetGroup;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds one target group per Kubernetes object with the {@code __meta_kubernetes_*} labels of
 * config-and-rules.md section 6.3. Pure functions of the object and of related objects found through
 * {@link Lookup}. Stateless; thread-safe.
 */
final class KubernetesTargets {
    static final String META = "__meta_kubernetes_";
    private static final String[] NODE_ADDRESS_ORDER = {"InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"};

    private KubernetesTargets() {}

    /** Related objects (from informer caches); each may return null when unknown. */
    interface Lookup {
        Service service(String namespace, String name);

        Pod pod(String namespace, String name);

        Node node(String name);

        Namespace namespace(String name);

        /** The name of the Deployment owning a ReplicaSet, or null. */
        default String deploymentOf(String namespace, String replicaSet) {
            return null;
        }

        /** The name of the CronJob owning a Job, or null. */
        default String cronJobOf(String namespace, String job) {
            return null;
        }
    }

    /** Which {@code attach_metadata} applies. */
    record Attach(boolean node, boolean namespace, boolean deployment, boolean job, boolean cronJob) {
        static final Attach NONE = new Attach(false, false, false, false, false);

        Attach(boolean node, boolean namespace) {
            this(node, namespace, false, false, false);
        }
    }

    /** Replaces every character outside {@code [a-zA-Z0-9_]} with {@code _}. */
    static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }

    /** {@code <res>_label_*}, {@code _labelpresent_*}, {@code _annotation_*}, {@code _annotationpresent_*}. */
    static void objectLabels(LabelsBuilder b, String res, ObjectMeta m) {
        if (m == null) {
            return;
        }
        family(b, res, "label", m.getLabels());
        family(b, res, "annotation", m.getAnnotations());
    }

    private static void family(LabelsBuilder b, String res, String kind, Map<String, String> map) {
        if (map == null) {
            return;
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            String n = sanitize(e.getKey());
            b.set(META + res + "_" + kind + "_" + n, e.getValue());
            b.set(META + res + "_" + kind + "present_" + n, "true");
        }
    }

    private static void namespaceMeta(LabelsBuilder b, String ns, Lookup l, Attach a) {
        b.set(META + "namespace", ns);
        if (a.namespace() && l != null) {
            Namespace n = l.namespace(ns);
            if (n != null) {
                objectLabels(b, "namespace", n.getMetadata());
            }
        }
    }

    private static void nodeMeta(LabelsBuilder b, String nodeName, Lookup l, Attach a) {
        if (!a.node() || l == null || nodeName == null || nodeName.isEmpty()) {
            return;
        }
        Node n = l.node(nodeName);
        if (n != null) {
            b.set(META + "node_name", nodeName);
            objectLabels(b, "node", n.getMetadata());
        }
    }

    static String key(String kind, HasMetadata o) {
        ObjectMeta m = o.getMetadata();
        return m.getNamespace() == null || m.getNamespace().isEmpty() ? kind + "/" + m.getName()
                : kind + "/" + m.getNamespace() + "/" + m.getName();
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String bool(Boolean b) {
        return b == null ? "" : b ? "true" : "false";
    }

    // ---- node ----

    static TargetGroup node(Node n) {
        LabelsBuilder g = new LabelsBuilder();
        String name = n.getMetadata().getName();
        g.set(META + "node_name", name);
        g.set(META + "node_provider_id", n.getSpec() == null ? "" : str(n.getSpec().getProviderID()));
        objectLabels(g, "node", n.getMetadata());
        LabelsBuilder t = new LabelsBuilder();
        String addr = "";
        List<NodeAddress> addrs = n.getStatus() == null || n.getStatus().getAddresses() == null ? List.of() : n.getStatus().getAddresses();
        for (String type : NODE_ADDRESS_ORDER) {
            for (NodeAddress a : addrs) {
                if (type.equals(a.getType()) && addr.isEmpty()) {
                    addr = str(a.getAddress());
                }
            }
        }
        Set<String> seenTypes = new HashSet<>();
        for (NodeAddress a : addrs) {
            if (a.getType() != null && seenTypes.add(a.getType())) {
                t.set(META + "node_address_" + a.getType(), str(a.getAddress()));
            }
        }
        if (n.getStatus() != null && n.getStatus().getConditions() != null) {
            for (NodeCondition c : n.getStatus().getConditions()) {
                if (c.getType() != null) {
                    t.set(META + "node_condition_" + sanitize(c.getType().toLowerCase(Locale.ROOT)), conditionValue(c.getStatus()));
                }
            }
        }
        if (addr.isEmpty()) {
            return new TargetGroup(key("node", n), List.of(), g.build());
        }
        int port = 10250;
        if (n.getStatus() != null && n.getStatus().getDaemonEndpoints() != null
                && n.getStatus().getDaemonEndpoints().getKubeletEndpoint() != null
                && n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort() != null) {
            port = n.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        }
        t.set("__address__", hostPort(addr, port));
        t.set("instance", name);
        return new TargetGroup(key("node", n), List.of(t.build()), g.build());
    }

    private static String conditionValue(String status) {
        if (status == null) {
            return "unknown";
        }
        return switch (status) {
            case "True" -> "true";
            case "False" -> "false";
            default -> "unknown";
        };
    }

    static String hostPort(String host, int port) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
    }

    // ---- service ----

    static void serviceObjectLabels(LabelsBuilder b, Service s) {
        b.set(META + "service_name", s.getMetadata().getName());
        objectLabels(b, "service", s.getMetadata());
    }

    static TargetGroup service(Service s, Lookup l, Attach a) {
        LabelsBuilder g = new LabelsBuilder();
        String ns = s.getMetadata().getNamespace();
        namespaceMeta(g, ns, l, a);
        serviceObjectLabels(g, s);
        String type = s.getSpec() == null ? "" : str(s.getSpec().getType());
        g.set(META + "service_type", type);
        if ("ExternalName".equals(type)) {
            g.set(META + "service_external_name", str(s.getSpec().getExternalName()));
        } else if (s.getSpec() != null) {
            g.set(META + "service_cluster_ip", str(s.getSpec().getClusterIP()));
        }
        if ("LoadBalancer".equals(type)) {
            List<String> ips = new ArrayList<>();
            if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null && s.getStatus().getLoadBalancer().getIngress() != null) {
                for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
                    if (i.getIp() != null && !i.getIp().isEmpty()) {
                        ips.add(i.getIp());
                    }
                }
            }
            g.set(META + "service_loadbalancer_ip", ips.isEmpty() ? str(s.getSpec().getLoadBalancerIP()) : String.join(",", ips));
        }
        List<Labels> targets = new ArrayList<>();
        if (s.getSpec() != null && s.getSpec().getPorts() != null) {
            for (ServicePort p : s.getSpec().getPorts()) {
                LabelsBuilder t = new LabelsBuilder();
                t.set("__address__", s.getMetadata().getName() + "." + ns + ".svc:" + p.getPort());
                t.set(META + "service_port_name", str(p.getName()));
                t.set(META + "service_port_number", str(p.getPort()));
                t.set(META + "service_port_protocol", str(p.getProtocol()));
                targets.add(t.build());
            }
        }
        return new TargetGroup(key("svc", s), targets, g.build());
    }

    // ---- pod ----

    /** Pod-level labels shared by the pod, endpoints and endpointslice roles. */
    static void podLabels(LabelsBuilder b, Pod p) {
        ObjectMeta m = p.getMetadata();
        b.set(META + "pod_name", m.getName());
        b.set(META + "pod_ip", p.getStatus() == null ? "" : str(p.getStatus().getPodIP()));
        b.set(META + "pod_ready", podReady(p));
        b.set(META + "pod_phase", p.getStatus() == null ? "" : str(p.getStatus().getPhase()));
        b.set(META + "pod_node_name", p.getSpec() == null ? "" : str(p.getSpec().getNodeName()));
        b.set(META + "pod_host_ip", p.getStatus() == null ? "" : str(p.getStatus().getHostIP()));
        b.set(META + "pod_uid", str(m.getUid()));
        if (m.getOwnerReferences() != null) {
            for (OwnerReference o : m.getOwnerReferences()) {
                if (Boolean.TRUE.equals(o.getController())) {
                    b.set(META + "pod_controller_kind", str(o.getKind()));
                    b.set(META + "pod_controller_name", str(o.getName()));
                    break;
                }
            }
        }
        objectLabels(b, "pod", m);
    }

    /** attach_metadata deployment / job / cronjob: the workload that controls the pod. */
    private static void workloadMeta(LabelsBuilder g, Pod p, Lookup l, Attach a) {
        OwnerReference c = controller(p);
        if (c == null || l == null) {
            return;
        }
        String ns = p.getMetadata().getNamespace();
        if (a.deployment() && "ReplicaSet".equals(c.getKind())) {
            g.set(META + "pod_deployment_name", str(l.deploymentOf(ns, c.getName())));
        }
        if ("Job".equals(c.getKind())) {
            if (a.job()) {
                g.set(META + "pod_job_name", str(c.getName()));
            }
            if (a.cronJob()) {
                g.set(META + "pod_cronjob_name", str(l.cronJobOf(ns, c.getName())));
            }
        }
    }

    static OwnerReference controller(HasMetadata o) {
        if (o.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference r : o.getMetadata().getOwnerReferences()) {
                if (Boolean.TRUE.equals(r.getController())) {
                    return r;
                }
            }
        }
        return null;
    }

    private static String podReady(Pod p) {
        if (p.getStatus() != null && p.getStatus().getConditions() != null) {
            for (PodCondition c : p.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    return c.getStatus() == null ? "unknown" : c.getStatus().toLowerCase(Locale.ROOT);
                }
            }
        }
        return "unknown";
    }

    private static String containerId(Pod p, String name, boolean init) {
        if (p.getStatus() == null) {
            return "";
        }
        List<ContainerStatus> st = init ? p.getStatus().getInitContainerStatuses() : p.getStatus().getContainerStatuses();
        if (st != null) {
            for (ContainerStatus s : st) {
                if (name.equals(s.getName())) {
                    return str(s.getContainerID());
                }
            }
        }
        return "";
    }

    static void containerLabels(LabelsBuilder b, Pod p, Container c, boolean init) {
        b.set(META + "pod_container_name", c.getName());
        b.set(META + "pod_container_image", str(c.getImage()));
        b.set(META + "pod_container_id", containerId(p, c.getName(), init));
        b.set(META + "pod_container_init", init ? "true" : "false");
    }

    static void portLabels(LabelsBuilder b, ContainerPort port) {
        b.set(META + "pod_container_port_name", str(port.getName()));
        b.set(META + "pod_container_port_number", str(port.getContainerPort()));
        b.set(META + "pod_container_port_protocol", port.getProtocol() == null ? "TCP" : port.getProtocol());
    }

    static TargetGroup pod(Pod p, Lookup l, Attach a) {
        LabelsBuilder g = new LabelsBuilder();
        namespaceMeta(g, p.getMetadata().getNamespace(), l, a);
        podLabels(g, p);
        nodeMeta(g, p.getSpec() == null ? null : p.getSpec().getNodeName(), l, a);
        workloadMeta(g, p, l, a);
        String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
        List<Labels> targets = new ArrayList<>();
        if (ip != null && !ip.isEmpty() && p.getSpec() != null) {
            addContainers(targets, p, ip, p.getSpec().getContainers(), false);
            addContainers(targets, p, ip, p.getSpec().getInitContainers(), true);
        }
        return new TargetGroup(key("pod", p), targets, g.build());
    }

    private static void addContainers(List<Labels> out, Pod p, String ip, List<Container> cs, boolean init) {
        if (cs == null) {
            return;
        }
        for (Container c : cs) {
            if (c.getPorts() == null || c.getPorts().isEmpty()) {
                LabelsBuilder t = new LabelsBuilder();
                t.set("__address__", ip);
                containerLabels(t, p, c, init);
                out.add(t.build());
                continue;
            }
            for (ContainerPort port : c.getPorts()) {
                LabelsBuilder t = new LabelsBuilder();
                t.set("__address__", hostPort(ip, port.getContainerPort()));
                containerLabels(t, p, c, init);
                portLabels(t, port);
                out.add(t.build());
            }
        }
    }

    // ---- endpoints and endpointslice: shared pod handling ----

    /** Pods referenced by addresses, and which of their container ports an endpoint port covered. */
    private static final class PodPorts {
        final List<Pod> pods = new ArrayList<>();
        final Set<String> covered = new HashSet<>();

        void see(Pod p) {
            for (Pod q : pods) {
                if (q.getMetadata().getName().equals(p.getMetadata().getName())) {
                    return;
                }
            }
            pods.add(p);
        }
    }

    /** Adds pod labels and, when a container port matches (number and protocol), its container labels. */
    private static void podTarget(LabelsBuilder t, Pod pod, Lookup l, Attach a, int port, String protocol, PodPorts seen) {
        podLabels(t, pod);
        nodeMeta(t, pod.getSpec() == null ? null : pod.getSpec().getNodeName(), l, a);
        seen.see(pod);
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return;
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort cp : c.getPorts()) {
                String proto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                if (cp.getContainerPort() != null && cp.getContainerPort() == port && proto.equals(protocol == null ? "TCP" : protocol)) {
                    containerLabels(t, pod, c, false);
                    portLabels(t, cp);
                    seen.covered.add(pod.getMetadata().getName() + "/" + port + "/" + proto);
                    return;
                }
            }
        }
    }

    /** Targets for container ports of referenced pods that no endpoint port covered. */
    private static void extraPodTargets(List<Labels> out, PodPorts seen, Lookup l, Attach a) {
        for (Pod pod : seen.pods) {
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null || ip.isEmpty() || pod.getSpec() == null || pod.getSpec().getContainers() == null) {
                continue;
            }
            for (Container c : pod.getSpec().getContainers()) {
                if (c.getPorts() == null) {
                    continue;
                }
                for (ContainerPort cp : c.getPorts()) {
                    String proto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                    if (seen.covered.contains(pod.getMetadata().getName() + "/" + cp.getContainerPort() + "/" + proto)) {
                        continue;
                    }
                    LabelsBuilder t = new LabelsBuilder();
                    t.set("__address__", hostPort(ip, cp.getContainerPort()));
                    podLabels(t, pod);
                    nodeMeta(t, pod.getSpec().getNodeName(), l, a);
                    containerLabels(t, pod, c, false);
                    portLabels(t, cp);
                    out.add(t.build());
                }
            }
        }
    }

    private static Pod referencedPod(ObjectReference ref, String ns, Lookup l) {
        if (ref == null || !"Pod".equals(ref.getKind()) || l == null) {
            return null;
        }
        return l.pod(ref.getNamespace() == null || ref.getNamespace().isEmpty() ? ns : ref.getNamespace(), ref.getName());
    }

    // ---- endpoints ----

    static TargetGroup endpoints(Endpoints e, Lookup l, Attach a) {
        String ns = e.getMetadata().getNamespace();
        LabelsBuilder g = new LabelsBuilder();
        namespaceMeta(g, ns, l, a);
        g.set(META + "endpoints_name", e.getMetadata().getName());
        objectLabels(g, "endpoints", e.getMetadata());
        Service svc = l == null ? null : l.service(ns, e.getMetadata().getName());
        if (svc != null) {
            serviceObjectLabels(g, svc);
        }
        List<Labels> targets = new ArrayList<>();
        PodPorts seen = new PodPorts();
        if (e.getSubsets() != null) {
            for (EndpointSubset s : e.getSubsets()) {
                List<EndpointPort> ports = s.getPorts() == null ? List.of() : s.getPorts();
                addEndpointAddresses(targets, s.getAddresses(), ports, "true", ns, l, a, seen);
                addEndpointAddresses(targets, s.getNotReadyAddresses(), ports, "false", ns, l, a, seen);
            }
        }
        extraPodTargets(targets, seen, l, a);
        return new TargetGroup(key("endpoints", e), targets, g.build());
    }

    private static void addEndpointAddresses(List<Labels> out, List<EndpointAddress> addrs, List<EndpointPort> ports,
            String ready, String ns, Lookup l, Attach a, PodPorts seen) {
        if (addrs == null) {
            return;
        }
        for (EndpointAddress addr : addrs) {
            for (EndpointPort port : ports) {
                LabelsBuilder t = new LabelsBuilder();
                t.set("__address__", hostPort(addr.getIp(), port.getPort()));
                t.set(META + "endpoint_port_name", str(port.getName()));
                t.set(META + "endpoint_port_protocol", str(port.getProtocol()));
                t.set(META + "endpoint_ready", ready);
                t.set(META + "endpoint_hostname", str(addr.getHostname()));
                t.set(META + "endpoint_node_name", str(addr.getNodeName()));
                if (addr.getTargetRef() != null) {
                    t.set(META + "endpoint_address_target_kind", str(addr.getTargetRef().getKind()));
                    t.set(META + "endpoint_address_target_name", str(addr.getTargetRef().getName()));
                }
                Pod pod = referencedPod(addr.getTargetRef(), ns, l);
                if (pod != null) {
                    podTarget(t, pod, l, a, port.getPort(), port.getProtocol(), seen);
                } else {
                    nodeMeta(t, addr.getNodeName(), l, a);
                }
                out.add(t.build());
            }
        }
    }

    // ---- endpointslice ----

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    static TargetGroup endpointSlice(EndpointSlice es, Lookup l, Attach a) {
        String ns = es.getMetadata().getNamespace();
        LabelsBuilder g = new LabelsBuilder();
        namespaceMeta(g, ns, l, a);
        g.set(META + "endpointslice_name", es.getMetadata().getName());
        g.set(META + "endpointslice_address_type", str(es.getAddressType()));
        objectLabels(g, "endpointslice", es.getMetadata());
        Map<String, String> labels = es.getMetadata().getLabels();
        String svcName = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        Service svc = svcName == null || l == null ? null : l.service(ns, svcName);
        if (svc != null) {
            serviceObjectLabels(g, svc);
        }
        List<Labels> targets = new ArrayList<>();
        PodPorts seen = new PodPorts();
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports = es.getPorts() == null ? List.of() : es.getPorts();
        if (es.getEndpoints() != null) {
            for (Endpoint ep : es.getEndpoints()) {
                if (ep.getAddresses() == null) {
                    continue;
                }
                for (String addr : ep.getAddresses()) {
                    if (ports.isEmpty()) {
                        LabelsBuilder t = new LabelsBuilder();
                        t.set("__address__", addr);
                        sliceEndpointLabels(t, ep);
                        Pod pod = referencedPod(ep.getTargetRef(), ns, l);
                        if (pod != null) {
                            podLabels(t, pod);
                            seen.see(pod);
                        }
                        targets.add(t.build());
                        continue;
                    }
                    for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort port : ports) {
                        LabelsBuilder t = new LabelsBuilder();
                        t.set("__address__", port.getPort() == null ? addr : hostPort(addr, port.getPort()));
                        t.set(META + "endpointslice_port", str(port.getPort()));
                        t.set(META + "endpointslice_port_name", str(port.getName()));
                        t.set(META + "endpointslice_port_protocol", str(port.getProtocol()));
                        t.set(META + "endpointslice_port_app_protocol", str(port.getAppProtocol()));
                        sliceEndpointLabels(t, ep);
                        Pod pod = referencedPod(ep.getTargetRef(), ns, l);
                        if (pod != null && port.getPort() != null) {
                            podTarget(t, pod, l, a, port.getPort(), port.getProtocol(), seen);
                        } else {
                            nodeMeta(t, ep.getNodeName(), l, a);
                        }
                        targets.add(t.build());
                    }
                }
            }
        }
        extraPodTargets(targets, seen, l, a);
        return new TargetGroup(key("endpointslice", es), targets, g.build());
    }

    private static void sliceEndpointLabels(LabelsBuilder t, Endpoint ep) {
        EndpointConditions c = ep.getConditions();
        if (c != null) {
            t.set(META + "endpointslice_endpoint_conditions_ready", bool(c.getReady()));
            t.set(META + "endpointslice_endpoint_conditions_serving", bool(c.getServing()));
            t.set(META + "endpointslice_endpoint_conditions_terminating", bool(c.getTerminating()));
        }
        t.set(META + "endpointslice_endpoint_hostname", str(ep.getHostname()));
        t.set(META + "endpointslice_endpoint_node_name", str(ep.getNodeName()));
        t.set(META + "endpointslice_endpoint_zone", str(ep.getZone()));
        if (ep.getTargetRef() != null) {
            t.set(META + "endpointslice_address_target_kind", str(ep.getTargetRef().getKind()));
            t.set(META + "endpointslice_address_target_name", str(ep.getTargetRef().getName()));
        }
        if (ep.getDeprecatedTopology() != null) {
            for (Map.Entry<String, String> e : ep.getDeprecatedTopology().entrySet()) {
                String n = sanitize(e.getKey());
                t.set(META + "endpointslice_endpoint_topology_" + n, e.getValue());
                t.set(META + "endpointslice_endpoint_topology_present_" + n, "true");
            }
        }
    }

    // ---- ingress ----

    static TargetGroup ingress(Ingress in, Lookup l, Attach a) {
        LabelsBuilder g = new LabelsBuilder();
        namespaceMeta(g, in.getMetadata().getNamespace(), l, a);
        g.set(META + "ingress_name", in.getMetadata().getName());
        objectLabels(g, "ingress", in.getMetadata());
        List<Labels> targets = new ArrayList<>();
        if (in.getSpec() != null) {
            g.set(META + "ingress_class_name", str(in.getSpec().getIngressClassName()));
            List<IngressTLS> tls = in.getSpec().getTls() == null ? List.of() : in.getSpec().getTls();
            if (in.getSpec().getRules() != null) {
                for (IngressRule r : in.getSpec().getRules()) {
                    String host = str(r.getHost());
                    String scheme = tlsMatches(tls, host) ? "https" : "http";
                    List<String> paths = new ArrayList<>();
                    if (r.getHttp() != null && r.getHttp().getPaths() != null) {
                        for (HTTPIngressPath p : r.getHttp().getPaths()) {
                            paths.add(p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath());
                        }
                    }
                    if (paths.isEmpty()) {
                        paths.add("/");
                    }
                    for (String path : paths) {
                        LabelsBuilder t = new LabelsBuilder();
                        t.set("__address__", host);
                        t.set(META + "ingress_scheme", scheme);
                        t.set(META + "ingress_host", host);
                        t.set(META + "ingress_path", path);
                        targets.add(t.build());
                    }
                }
            }
        }
        return new TargetGroup(key("ingress", in), targets, g.build());
    }

    /** Whether a TLS entry's host pattern matches (a leading {@code *.} matches one label). */
    static boolean tlsMatches(List<IngressTLS> tls, String host) {
        for (IngressTLS t : tls) {
            if (t.getHosts() == null) {
                continue;
            }
            for (String pattern : t.getHosts()) {
                if (pattern.equals(host)) {
                    return true;
                }
                if (pattern.startsWith("*.")) {
                    String suffix = pattern.substring(1);
                    int dot = host.indexOf('.');
                    if (dot > 0 && host.substring(dot).equals(suffix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
