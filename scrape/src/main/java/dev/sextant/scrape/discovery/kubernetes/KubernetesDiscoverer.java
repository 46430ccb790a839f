package dev.sextant.scrape.discovery.kubernetes;

import dev.sextant.scrape.config.HttpClientConfig;
import dev.sextant.scrape.config.ScrapeConfig.KubernetesSdConfig;
import dev.sextant.scrape.config.ScrapeConfig.Selector;
import dev.sextant.scrape.discovery.Discoverer;
import dev.sextant.scrape.discovery.TargetGroup;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubernetes_sd_configs}: watches the role's objects with fabric8 informers (LIST then WATCH,
 * re-list on expiry) over the JDK HTTP client and sends one target group per object; a deleted object
 * sends an empty group for its key. Related objects (services and pods for endpoints and
 * endpointslices; nodes and namespaces for {@code attach_metadata}) are watched too, and a change to
 * one re-sends the groups that use it.
 *
 * <p>Connection: {@code api_server} with the HTTP client block (basic auth, bearer token or token
 * file re-read on each request, TLS CA / client cert / insecure), or {@code kubeconfig_file}, or
 * in-cluster configuration (service-account token, which fabric8 re-reads when rotated, and CA).
 *
 * <p>Thread-safety: events arrive on informer threads and are serialized by this object's lock;
 * {@code start} and {@code close} are called once each.
 */
public final class KubernetesDiscoverer implements Discoverer {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesDiscoverer.class);
    static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";

    private final KubernetesSdConfig cfg;
    private final KubernetesClient injected;
    private KubernetesClient client;
    private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<Service>> services = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<Pod>> pods = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<ReplicaSet>> replicaSets = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<Job>> jobs = new CopyOnWriteArrayList<>();
    private volatile SharedIndexInformer<Node> nodes;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private final List<SharedIndexInformer<? extends HasMetadata>> primaries = new CopyOnWriteArrayList<>();
    private volatile Consumer<List<TargetGroup>> sink;
    private volatile KubernetesTargets.Attach attach;
    private volatile boolean closed;

    private final KubernetesTargets.Lookup lookup = new KubernetesTargets.Lookup() {
        @Override
        public Service service(String ns, String name) {
            return find(services, ns + "/" + name);
        }

        @Override
        public Pod pod(String ns, String name) {
            return find(pods, ns + "/" + name);
        }

        @Override
        public Node node(String name) {
            return nodes == null ? null : nodes.getStore().getByKey(name);
        }

        @Override
        public Namespace namespace(String name) {
            return namespaces == null ? null : namespaces.getStore().getByKey(name);
        }

        @Override
        public String deploymentOf(String ns, String replicaSet) {
            ReplicaSet rs = find(replicaSets, ns + "/" + replicaSet);
            OwnerReference o = rs == null ? null : KubernetesTargets.controller(rs);
            return o != null && "Deployment".equals(o.getKind()) ? o.getName() : null;
        }

        @Override
        public String cronJobOf(String ns, String job) {
            Job j = find(jobs, ns + "/" + job);
            OwnerReference o = j == null ? null : KubernetesTargets.controller(j);
            return o != null && "CronJob".equals(o.getKind()) ? o.getName() : null;
        }
    };

    /** A discoverer that builds its own client from the config at {@link #start}. */
    public KubernetesDiscoverer(KubernetesSdConfig cfg) {
        this(cfg, null);
    }

    /** A discoverer over a given client (tests); the client is not closed by {@link #close}. */
    KubernetesDiscoverer(KubernetesSdConfig cfg, KubernetesClient client) {
        this.cfg = cfg;
        this.injected = client;
    }

    private static <T> T find(List<SharedIndexInformer<T>> list, String key) {
        for (SharedIndexInformer<T> i : list) {
            T t = i.getStore().getByKey(key);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /**
     * Creates the informers; each one's initial LIST is delivered as add events. Not synchronized:
     * fabric8's {@code inform} waits for the initial list while events are handled on its threads.
     */
    @Override
    public void start(Consumer<List<TargetGroup>> updates) {
        this.sink = updates;
        client = injected != null ? injected : newClient(cfg);
        String role = cfg.role();
        boolean podBacked = role.equals("pod") || role.equals("endpoints") || role.equals("endpointslice");
        boolean pod = role.equals("pod");
        attach = new KubernetesTargets.Attach(cfg.attachNode() && podBacked, cfg.attachNamespace() && !role.equals("node"),
                cfg.attachDeployment() && pod, cfg.attachJob() && pod, cfg.attachCronJob() && pod);
        List<String> nss = namespaces();
        for (String ns : nss) {
            if (attach.deployment()) {
                replicaSets.add(inform(client.apps().replicaSets(), ns, null, this::onWorkload));
            }
            if (attach.cronJob()) {
                jobs.add(inform(client.batch().v1().jobs(), ns, null, this::onWorkload));
            }
        }
        // Auxiliary informers first so primary groups find related objects.
        if (attach.node() || (role.equals("pod") && selector("node") != null)) {
            nodes = inform(client.nodes(), null, selector("node"), this::onNode);
        }
        if (attach.namespace()) {
            namespaces = inform(client.namespaces(), null, null, this::onNamespace);
        }
        if (role.equals("endpoints") || role.equals("endpointslice")) {
            for (String ns : nss) {
                services.add(inform(client.services(), ns, selector("service"), this::onService));
                pods.add(inform(client.pods(), ns, selector("pod"), this::onPod));
            }
        }
        switch (role) {
            case "node" -> primaries.add(inform(client.nodes(), null, selector("node"), this::onPrimary));
            case "service" -> {
                for (String ns : nss) {
                    primaries.add(inform(client.services(), ns, selector("service"), this::onPrimary));
                }
            }
            case "pod" -> {
                for (String ns : nss) {
                    SharedIndexInformer<Pod> i = inform(client.pods(), ns, selector("pod"), this::onPrimary);
                    primaries.add(i);
                }
            }
            case "endpoints" -> {
                for (String ns : nss) {
                    primaries.add(inform(client.endpoints(), ns, selector("endpoints"), this::onPrimary));
                }
            }
            case "endpointslice" -> {
                for (String ns : nss) {
                    primaries.add(inform(client.discovery().v1().endpointSlices(), ns, selector("endpointslice"), this::onPrimary));
                }
            }
            case "ingress" -> {
                for (String ns : nss) {
                    primaries.add(inform(client.network().v1().ingresses(), ns, selector("ingress"), this::onPrimary));
                }
            }
            default -> throw new IllegalArgumentException("unknown role " + role);
        }
    }

    /** The namespaces to watch; a single null means all. */
    private List<String> namespaces() {
        List<String> out = new ArrayList<>(cfg.namespaces());
        if (cfg.ownNamespace()) {
            String own = null;
            try {
                Path p = Path.of(SA_DIR + "namespace");
                if (Files.exists(p)) {
                    own = Files.readString(p).trim();
                }
            } catch (IOException e) {
                LOG.warn("kubernetes SD: cannot read own namespace: {}", e.toString());
            }
            if (own == null || own.isEmpty()) {
                own = client.getNamespace();
            }
            if (own != null && !out.contains(own)) {
                out.add(own);
            }
        }
        if (out.isEmpty()) {
            out.add(null);
        }
        return out;
    }

    private Selector selector(String role) {
        for (Selector s : cfg.selectors()) {
            if (s.role().equals(role)) {
                return s;
            }
        }
        return null;
    }

    private <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>> SharedIndexInformer<T> inform(
            Object operation, String ns, Selector sel, Consumer<Event<T>> handler) {
        FilterWatchListDeletable<T, L, R> f = filtered(operation, ns);
        if (sel != null) {
            if (!sel.label().isEmpty()) {
                f = f.withLabelSelector(sel.label());
            }
            if (!sel.field().isEmpty()) {
                for (String part : sel.field().split(",")) {
                    int ne = part.indexOf("!=");
                    if (ne > 0) {
                        f = f.withoutField(part.substring(0, ne).trim(), part.substring(ne + 2).trim());
                    } else {
                        int eq = part.indexOf('=');
                        int start = eq + (part.startsWith("==", eq) ? 2 : 1);
                        f = f.withField(part.substring(0, eq).trim(), part.substring(start).trim());
                    }
                }
            }
        }
        SharedIndexInformer<T> i = f.inform(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                handler.accept(new Event<>(obj, false));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                handler.accept(new Event<>(newObj, false));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                handler.accept(new Event<>(obj, true));
            }
        }, 0);
        informers.add(i);
        return i;
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>> FilterWatchListDeletable<T, L, R> filtered(
            Object operation, String ns) {
        if (operation instanceof MixedOperation<?, ?, ?> mixed) {
            MixedOperation<T, L, R> m = (MixedOperation<T, L, R>) mixed;
            return ns == null ? (FilterWatchListDeletable<T, L, R>) m.inAnyNamespace() : m.inNamespace(ns);
        }
        return (FilterWatchListDeletable<T, L, R>) operation; // cluster-scoped (nodes, namespaces)
    }

    /** An informer event. */
    private record Event<T>(T obj, boolean deleted) {}

    private TargetGroup build(HasMetadata o) {
        if (o instanceof Node n) {
            return KubernetesTargets.node(n);
        } else if (o instanceof Service s) {
            return KubernetesTargets.service(s, lookup, attach);
        } else if (o instanceof Pod p) {
            return KubernetesTargets.pod(p, lookup, attach);
        } else if (o instanceof Endpoints e) {
            return KubernetesTargets.endpoints(e, lookup, attach);
        } else if (o instanceof EndpointSlice es) {
            return KubernetesTargets.endpointSlice(es, lookup, attach);
        } else if (o instanceof Ingress in) {
            return KubernetesTargets.ingress(in, lookup, attach);
        }
        throw new IllegalArgumentException("unexpected object " + o.getKind());
    }

    private static String kindKey(HasMetadata o) {
        if (o instanceof Node) {
            return "node";
        } else if (o instanceof Service) {
            return "svc";
        } else if (o instanceof Pod) {
            return "pod";
        } else if (o instanceof Endpoints) {
            return "endpoints";
        } else if (o instanceof EndpointSlice) {
            return "endpointslice";
        }
        return "ingress";
    }

    private synchronized <T extends HasMetadata> void onPrimary(Event<T> e) {
        if (closed) {
            return;
        }
        TargetGroup g = e.deleted() ? TargetGroup.empty(KubernetesTargets.key(kindKey(e.obj()), e.obj())) : build(e.obj());
        sink.accept(List.of(g));
    }

    /** Re-sends the groups of primary objects that {@code uses} says depend on a changed object. */
    private synchronized void resend(Function<HasMetadata, Boolean> uses) {
        if (closed) {
            return;
        }
        List<TargetGroup> out = new ArrayList<>();
        for (SharedIndexInformer<? extends HasMetadata> i : primaries) {
            for (HasMetadata o : i.getStore().list()) {
                if (uses.apply(o)) {
                    out.add(build(o));
                }
            }
        }
        if (!out.isEmpty()) {
            sink.accept(out);
        }
    }

    private void onService(Event<Service> e) {
        String ns = e.obj().getMetadata().getNamespace();
        String name = e.obj().getMetadata().getName();
        resend(o -> Objects.equals(o.getMetadata().getNamespace(), ns) && (o instanceof Endpoints
                ? o.getMetadata().getName().equals(name)
                : o.getMetadata().getLabels() != null && name.equals(o.getMetadata().getLabels().get(KubernetesTargets.SERVICE_NAME_LABEL))));
    }

    private void onPod(Event<Pod> e) {
        String ns = e.obj().getMetadata().getNamespace();
        String name = e.obj().getMetadata().getName();
        resend(o -> Objects.equals(o.getMetadata().getNamespace(), ns) && referencesPod(o, name));
    }

    private static boolean referencesPod(HasMetadata o, String pod) {
        if (o instanceof Endpoints ep && ep.getSubsets() != null) {
            for (EndpointSubset s : ep.getSubsets()) {
                for (List<EndpointAddress> l : Arrays.asList(s.getAddresses(), s.getNotReadyAddresses())) {
                    if (l != null) {
                        for (EndpointAddress a : l) {
                            if (a.getTargetRef() != null && "Pod".equals(a.getTargetRef().getKind()) && pod.equals(a.getTargetRef().getName())) {
                                return true;
                            }
                        }
                    }
                }
            }
        } else if (o instanceof EndpointSlice es && es.getEndpoints() != null) {
            for (Endpoint ep : es.getEndpoints()) {
                if (ep.getTargetRef() != null && "Pod".equals(ep.getTargetRef().getKind()) && pod.equals(ep.getTargetRef().getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private <T extends HasMetadata> void onWorkload(Event<T> e) {
        String ns = e.obj().getMetadata().getNamespace();
        String name = e.obj().getMetadata().getName();
        resend(o -> {
            OwnerReference c = KubernetesTargets.controller(o);
            return Objects.equals(o.getMetadata().getNamespace(), ns) && c != null && name.equals(c.getName());
        });
    }

    private void onNode(Event<Node> e) {
        String node = e.obj().getMetadata().getName();
        resend(o -> !(o instanceof Pod p) || (p.getSpec() != null && node.equals(p.getSpec().getNodeName())));
    }

    private void onNamespace(Event<Namespace> e) {
        String ns = e.obj().getMetadata().getName();
        resend(o -> ns.equals(o.getMetadata().getNamespace()));
    }

    /** Builds a client from {@code api_server} + HTTP settings, {@code kubeconfig_file}, or in-cluster config. */
    static KubernetesClient newClient(KubernetesSdConfig cfg) {
        Config config;
        if (cfg.kubeconfigFile() != null) {
            try {
                config = Config.fromKubeconfig(null, Files.readString(Path.of(cfg.kubeconfigFile())), cfg.kubeconfigFile());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read kubeconfig_file " + cfg.kubeconfigFile() + ": " + e, e);
            }
        } else if (cfg.apiServer() != null) {
            ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(cfg.apiServer());
            HttpClientConfig http = cfg.http();
            if (http.basicAuth() != null) {
                b.withUsername(http.basicAuth().username()).withPassword(readOr(http.basicAuth().passwordFile(), http.basicAuth().password()));
            }
            if (http.authorization() != null) {
                HttpClientConfig.Authorization a = http.authorization();
                if (a.credentialsFile() != null) {
                    String file = a.credentialsFile();
                    b.withOauthTokenProvider(() -> readOr(file, ""));
                } else {
                    b.withOauthToken(a.credentials());
                }
            }
            HttpClientConfig.TlsConfig tls = http.tls();
            if (tls != null) {
                b.withTrustCerts(tls.insecureSkipVerify()).withDisableHostnameVerification(tls.insecureSkipVerify());
                if (tls.caFile() != null) {
                    b.withCaCertFile(tls.caFile());
                } else if (tls.ca() != null) {
                    b.withCaCertData(java.util.Base64.getEncoder().encodeToString(tls.ca().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                if (tls.certFile() != null) {
                    b.withClientCertFile(tls.certFile());
                }
                if (tls.keyFile() != null) {
                    b.withClientKeyFile(tls.keyFile());
                }
            }
            config = b.build();
        } else {
            // In cluster: KUBERNETES_SERVICE_HOST/PORT, the service-account token (refreshed by fabric8 when
            // the file rotates) and CA. Outside a cluster fabric8 falls back to system properties/kubeconfig.
            config = Config.autoConfigure(null);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String readOr(String file, String dflt) {
        if (file == null) {
            return dflt;
        }
        try {
            return Files.readString(new File(file).toPath()).trim();
        } catch (IOException e) {
            LOG.warn("kubernetes SD: cannot read {}: {}", file, e.toString());
            return dflt;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SharedIndexInformer<?> i : informers) {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping informer: {}", e.toString());
            }
        }
        informers.clear();
        if (injected == null && client != null) {
            client.close();
        }
    }
}
