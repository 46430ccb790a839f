package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint and helm template on the chart, with default values and with every option on. */
class HelmChartTest {

    static final Set<String> CLUSTER_SCOPED = Set.of("ClusterRole", "ClusterRoleBinding", "Namespace");
    static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    static final Set<String> RELABEL_ACTIONS = Set.of("replace", "keep", "drop", "keepequal", "dropequal", "hashmod",
            "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase");
    static final Set<String> SD_ROLES = Set.of("node", "service", "pod", "endpoints", "endpointslice", "ingress");
    static final String SHARD_PLACEHOLDER = "__SEXTANT_SHARD__";

    static List<JsonNode> defaults;
    static List<JsonNode> allOn;

    @BeforeAll
    static void render() {
        defaults = Chart.documents(Chart.renderDefaults());
        allOn = Chart.documents(Chart.renderAllOn());
    }

    static Stream<String> variants() {
        return Stream.of("defaults", "all-on");
    }

    static List<JsonNode> docs(String variant) {
        return variant.equals("defaults") ? defaults : allOn;
    }

    @Test
    void lintPassesInStrictMode() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();
        assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyDocumentIsANamedKubernetesObject(String variant) {
        List<JsonNode> docs = docs(variant);
        assertThat(docs).isNotEmpty();
        Set<String> seen = new HashSet<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String name = d.path("metadata").path("name").asText();
            assertThat(d.path("apiVersion").asText()).as(kind).isNotBlank();
            assertThat(kind).isNotBlank();
            assertThat(name).as(kind).hasSizeLessThanOrEqualTo(63).matches(DNS_1123);
            assertThat(seen.add(kind + "/" + d.path("metadata").path("namespace").asText() + "/" + name))
                    .as("duplicate %s %s", kind, name).isTrue();
            if (CLUSTER_SCOPED.contains(kind)) {
                assertThat(d.path("metadata").has("namespace")).as(kind + " is cluster-scoped").isFalse();
            } else {
                assertThat(d.path("metadata").path("namespace").asText()).as(kind + " " + name).isNotBlank();
            }
        }
    }

    @Test
    void defaultsRenderTheCoreObjectsOnly() {
        assertThat(Chart.kinds(defaults)).containsExactlyInAnyOrder(
                "ServiceAccount/sextant", "ConfigMap/sextant", "ClusterRole/sextant", "ClusterRoleBinding/sextant",
                "Service/sextant", "Service/sextant-headless", "StatefulSet/sextant");
    }

    @Test
    void allOnAddsTheGrafanaConfigMapsInGrafanasNamespace() {
        assertThat(Chart.kinds(allOn)).contains(
                "ConfigMap/sextant-grafana-datasource", "ConfigMap/sextant-grafana-dashboards");
        assertThat(Chart.find(allOn, "ConfigMap", "sextant-grafana-datasource").path("metadata").path("namespace").asText())
                .isEqualTo("grafana");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void statefulSetKeepsDataOnAVolumeAndProbesHealthAndReadiness(String variant) {
        JsonNode sts = Chart.find(docs(variant), "StatefulSet", Chart.RELEASE);
        JsonNode spec = sts.path("spec");
        JsonNode pod = spec.path("template").path("spec");
        JsonNode container = container(pod, "sextant");

        assertThat(spec.path("serviceName").asText()).isEqualTo("sextant-headless");
        JsonNode claim = spec.path("volumeClaimTemplates").get(0);
        assertThat(claim).as("volumeClaimTemplates").isNotNull();
        assertThat(claim.path("metadata").path("name").asText()).isEqualTo("data");
        assertThat(claim.path("spec").path("accessModes").get(0).asText()).isEqualTo("ReadWriteOnce");
        assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText())
                .isEqualTo(variant.equals("defaults") ? "50Gi" : "100Gi");
        assertThat(mountPath(container, "data")).isEqualTo("/prometheus");

        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/healthy");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/-/healthy");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9090);

        assertThat(container.path("resources").path("requests").path("memory").asText()).isNotBlank();
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotBlank();

        JsonNode podSecurity = pod.path("securityContext");
        assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSecurity.path("runAsUser").asInt()).isEqualTo(65534);
        assertThat(podSecurity.path("fsGroup").asInt()).isEqualTo(65534);
        JsonNode security = container.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        // With a read-only root filesystem the JVM still needs a writable /tmp.
        assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");

        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("sextant");
        JsonNode podLabels = spec.path("template").path("metadata").path("labels");
        assertThat(spec.path("selector").path("matchLabels").size()).isPositive();
        spec.path("selector").path("matchLabels").fields().forEachRemaining(e ->
                assertThat(podLabels.path(e.getKey()).asText()).as(e.getKey()).isEqualTo(e.getValue().asText()));
        assertThat(spec.path("template").path("metadata").path("annotations").path("checksum/config").asText())
                .matches("[0-9a-f]{64}");
    }

    @Test
    void serverFlagsFollowTheValues() {
        List<String> defaultArgs = args(defaults);
        assertThat(defaultArgs).contains(
                "--config.file=/etc/sextant/config/prometheus.yml", "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d", "--web.listen-address=0.0.0.0:9090", "--web.enable-lifecycle");
        assertThat(defaultArgs).noneMatch(a -> a.startsWith("--storage.tsdb.retention.size"))
                .doesNotContain("--web.enable-remote-write-receiver");

        assertThat(args(allOn)).contains(
                "--config.file=/etc/sextant/shard/prometheus.yml", "--storage.tsdb.retention.time=7d",
                "--storage.tsdb.retention.size=40GB", "--web.enable-remote-write-receiver", "--query.timeout=1m");
        JsonNode sts = Chart.find(allOn, "StatefulSet", Chart.RELEASE);
        assertThat(sts.path("spec").path("volumeClaimTemplates").get(0).path("spec").path("storageClassName").asText())
                .isEqualTo("gp3");
        assertThat(sts.path("spec").path("replicas").asInt()).isEqualTo(3);
    }

    @Test
    void withoutPersistenceTheDataIsAnEmptyDir() {
        List<JsonNode> docs = Chart.documents(Chart.render(t -> t.set("persistence.enabled", "false")));
        JsonNode spec = Chart.find(docs, "StatefulSet", Chart.RELEASE).path("spec");
        assertThat(spec.has("volumeClaimTemplates")).isFalse();
        assertThat(volume(spec.path("template").path("spec"), "data").has("emptyDir")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void clusterRoleGrantsWhatDiscoveryAndScrapingNeed(String variant) {
        JsonNode role = Chart.find(docs(variant), "ClusterRole", Chart.RELEASE);
        record Grant(String group, String resource) {}
        Set<Grant> readable = new HashSet<>();
        boolean metricsUrl = false;
        for (JsonNode rule : role.path("rules")) {
            List<String> verbs = texts(rule.path("verbs"));
            if (rule.has("nonResourceURLs")) {
                metricsUrl |= texts(rule.path("nonResourceURLs")).contains("/metrics") && verbs.contains("get");
                continue;
            }
            if (verbs.containsAll(List.of("get", "list", "watch"))) {
                for (String group : texts(rule.path("apiGroups"))) {
                    for (String resource : texts(rule.path("resources"))) {
                        readable.add(new Grant(group, resource));
                    }
                }
            }
            assertThat(verbs).as("read-only").isSubsetOf("get", "list", "watch");
        }
        assertThat(readable).contains(
                new Grant("", "nodes"), new Grant("", "nodes/metrics"), new Grant("", "services"),
                new Grant("", "endpoints"), new Grant("", "pods"),
                new Grant("discovery.k8s.io", "endpointslices"), new Grant("networking.k8s.io", "ingresses"));
        assertThat(metricsUrl).as("nonResourceURLs /metrics").isTrue();

        JsonNode binding = Chart.find(docs(variant), "ClusterRoleBinding", Chart.RELEASE);
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(Chart.RELEASE);
        assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("sextant");
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void serviceSelectsThePodsOnTheHttpPort(String variant) {
        JsonNode podLabels = Chart.find(docs(variant), "StatefulSet", Chart.RELEASE)
                .path("spec").path("template").path("metadata").path("labels");
        for (String name : List.of("sextant", "sextant-headless")) {
            JsonNode svc = Chart.find(docs(variant), "Service", name).path("spec");
            svc.path("selector").fields().forEachRemaining(e ->
                    assertThat(podLabels.path(e.getKey()).asText()).as(e.getKey()).isEqualTo(e.getValue().asText()));
            assertThat(svc.path("ports").get(0).path("port").asInt()).isEqualTo(9090);
            assertThat(svc.path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void prometheusYmlDiscoversTheClusterAndEveryJobHasTargets(String variant) {
        JsonNode config = Chart.prometheusYml(docs(variant));
        assertThat(config.path("global").path("scrape_interval").asText()).isEqualTo("30s");
        assertThat(texts(config.path("rule_files"))).containsExactly("/etc/sextant/config/*.rules.yml");

        List<String> jobs = new ArrayList<>();
        for (JsonNode job : config.path("scrape_configs")) {
            String name = job.path("job_name").asText();
            jobs.add(name);
            boolean kubernetes = job.has("kubernetes_sd_configs");
            assertThat(kubernetes || job.has("static_configs")).as("%s discovers targets", name).isTrue();
            for (JsonNode sd : job.path("kubernetes_sd_configs")) {
                assertThat(sd.path("role").asText()).as(name).isIn(SD_ROLES);
            }
            for (JsonNode step : job.path("relabel_configs")) {
                String action = step.path("action").asText("replace");
                assertThat(action).as(name).isIn(RELABEL_ACTIONS);
                if (step.has("regex")) {
                    Pattern.compile(step.path("regex").asText());
                }
                if (action.equals("hashmod")) {
                    assertThat(step.path("modulus").asInt()).isPositive();
                    assertThat(step.path("target_label").asText()).isEqualTo("__tmp_hash");
                }
            }
        }
        assertThat(jobs).doesNotHaveDuplicates().contains(
                "sextant", "kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
                "kubernetes-service-endpoints", "kubernetes-pods");
        assertThat(job(config, "kubernetes-cadvisor").path("metrics_path").asText()).isEqualTo("/metrics/cadvisor");
        assertThat(job(config, "kubernetes-nodes").path("authorization").path("credentials_file").asText())
                .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
    }

    @Test
    void defaultsAreUnshardedAndAllOnCarriesRemoteWriteAlertmanagersAndExtraJobs() {
        JsonNode plain = Chart.prometheusYml(defaults);
        assertThat(plain.toString()).doesNotContain("__tmp_hash").doesNotContain(SHARD_PLACEHOLDER);
        assertThat(plain.has("remote_write")).isFalse();
        assertThat(plain.has("alerting")).isFalse();
        assertThat(plain.path("global").has("external_labels")).isFalse();
        assertThat(container(Chart.find(defaults, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec"), "sextant"))
                .isNotNull();
        assertThat(Chart.find(defaults, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec")
                .has("initContainers")).isFalse();

        JsonNode full = Chart.prometheusYml(allOn);
        assertThat(full.path("remote_write").get(0).path("url").asText())
                .isEqualTo("http://mimir-distributor.mimir.svc:8080/api/v1/push");
        assertThat(full.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("alertmanager.monitoring.svc:9093");
        assertThat(full.path("global").path("external_labels").path("cluster").asText()).isEqualTo("eks-prod");
        assertThat(job(full, "blackbox-http").path("params").path("module").get(0).asText()).isEqualTo("http_2xx");
        // endpointsRole: endpoints switches the role and the meta labels together.
        JsonNode apiservers = job(full, "kubernetes-apiservers");
        assertThat(apiservers.path("kubernetes_sd_configs").get(0).path("role").asText()).isEqualTo("endpoints");
        assertThat(texts(apiservers.path("relabel_configs").get(0).path("source_labels")))
                .contains("__meta_kubernetes_endpoint_port_name");
        assertThat(job(plain, "kubernetes-apiservers").path("relabel_configs").get(0).path("source_labels").toString())
                .contains("__meta_kubernetes_endpointslice_port_name");
    }

    @Test
    void shardingAppendsHashmodAndKeepToEveryJobAndTheInitContainerFillsInTheOrdinal() {
        JsonNode config = Chart.prometheusYml(allOn);
        for (JsonNode job : config.path("scrape_configs")) {
            JsonNode steps = job.path("relabel_configs");
            JsonNode hash = steps.get(steps.size() - 2);
            JsonNode keep = steps.get(steps.size() - 1);
            String name = job.path("job_name").asText();
            assertThat(hash.path("action").asText()).as(name).isEqualTo("hashmod");
            assertThat(hash.path("modulus").asInt()).as(name).isEqualTo(3);
            assertThat(texts(hash.path("source_labels"))).as(name).startsWith("__address__");
            assertThat(keep.path("action").asText()).as(name).isEqualTo("keep");
            assertThat(texts(keep.path("source_labels"))).as(name).containsExactly("__tmp_hash");
            assertThat(keep.path("regex").asText()).as(name).isEqualTo(SHARD_PLACEHOLDER);
        }
        // The extra job's own relabeling survives, before the shard steps.
        assertThat(job(config, "blackbox-http").path("relabel_configs").get(0).path("target_label").asText())
                .isEqualTo("__param_target");

        JsonNode pod = Chart.find(allOn, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec");
        JsonNode init = pod.path("initContainers").get(0);
        assertThat(init).as("init container").isNotNull();
        assertThat(init.path("image").asText()).isEqualTo(container(pod, "sextant").path("image").asText());
        String script = init.path("args").get(0).asText();
        assertThat(script).contains("${POD_NAME##*-}")
                .contains("s/" + SHARD_PLACEHOLDER + "/$shard/g")
                .contains("/etc/sextant/config/prometheus.yml > /etc/sextant/shard/prometheus.yml");
        assertThat(init.path("env").get(0).path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(init.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(mountPath(init, "shard-config")).isEqualTo("/etc/sextant/shard");
        assertThat(mountPath(container(pod, "sextant"), "shard-config")).isEqualTo("/etc/sextant/shard");

        // What the init container writes for pod sextant-2 is a config that keeps shard 2.
        String raw = Chart.find(allOn, "ConfigMap", Chart.RELEASE).path("data").path("prometheus.yml").asText();
        JsonNode shard2 = RepoFiles.yaml(raw.replace(SHARD_PLACEHOLDER, "2"));
        for (JsonNode job : shard2.path("scrape_configs")) {
            JsonNode steps = job.path("relabel_configs");
            assertThat(steps.get(steps.size() - 1).path("regex").asText()).isEqualTo("2");
        }
    }

    @Test
    void replicasWithoutShardingAreAnHaPairTellingCopiesApartByAnExternalLabel() {
        List<JsonNode> docs = Chart.documents(Chart.render(t -> t.set("replicas", "2")));
        JsonNode config = Chart.prometheusYml(docs);
        assertThat(config.path("global").path("external_labels").path("replica").asText()).isEqualTo("${POD_NAME}");
        assertThat(config.toString()).doesNotContain("__tmp_hash");
        assertThat(Chart.find(docs, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec")
                .has("initContainers")).isFalse();
    }

    @Test
    void valuesSchemaRejectsTyposAndWrongValues() {
        assertThatThrownBy(() -> Chart.render(t -> t.set("discovery.endpointsRole", "services")))
                .hasMessageContaining("/discovery/endpointsRole")
                .hasMessageContaining("value must be one of 'endpointslice', 'endpoints'");
        // A misspelt key would otherwise be ignored silently.
        assertThatThrownBy(() -> Chart.render(t -> t.set("replica", "3")))
                .hasMessageContaining("additional properties 'replica' not allowed");
        assertThatThrownBy(() -> Chart.render(t -> t.set("server.retention.size", "40G")))
                .hasMessageContaining("/server/retention/size");
        assertThatThrownBy(() -> Chart.render(t -> t.set("server.retention.time", "two weeks")))
                .hasMessageContaining("/server/retention/time");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void ruleFilesParseAndEachRuleIsWellFormed(String variant) {
        JsonNode data = Chart.find(docs(variant), "ConfigMap", Chart.RELEASE).path("data");
        List<String> ruleFiles = new ArrayList<>();
        data.fieldNames().forEachRemaining(n -> {
            if (n.endsWith(".rules.yml")) {
                ruleFiles.add(n);
            }
        });
        assertThat(ruleFiles).contains("sextant.rules.yml");
        if (variant.equals("all-on")) {
            assertThat(ruleFiles).contains("team-payments.rules.yml");
        }
        int alerts = 0;
        int records = 0;
        for (String file : ruleFiles) {
            JsonNode rules = RepoFiles.yaml(data.path(file).asText());
            Set<String> groups = new HashSet<>();
            assertThat(rules.path("groups").size()).as(file).isPositive();
            for (JsonNode group : rules.path("groups")) {
                assertThat(groups.add(group.path("name").asText())).as("%s: unique group", file).isTrue();
                assertThat(group.path("rules").size()).isPositive();
                for (JsonNode rule : group.path("rules")) {
                    assertThat(rule.has("record") ^ rule.has("alert")).as("%s: record xor alert: %s", file, rule).isTrue();
                    assertThat(rule.path("expr").asText()).isNotBlank();
                    if (rule.has("record")) {
                        records++;
                        assertThat(rule.path("record").asText()).matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
                        assertThat(rule.has("for") || rule.has("annotations")).as(rule.toString()).isFalse();
                    } else {
                        alerts++;
                        if (rule.has("for")) {
                            assertThat(rule.path("for").asText()).matches("\\d+[smhdwy]");
                        }
                    }
                }
            }
        }
        assertThat(alerts).isGreaterThanOrEqualTo(5);
        assertThat(records).isGreaterThanOrEqualTo(2);
    }

    @Test
    void defaultRulesWatchTargetsAndSextantItself() {
        String rules = RepoFiles.read(Chart.DIR.resolve("rules/sextant.rules.yml"));
        assertThat(rules).contains("alert: TargetDown", "expr: up == 0", "sextant_config_last_reload_successful",
                "sextant_rule_evaluation_failures_total", "sextant_remote_write_receiver_errors_total");
    }

    @Test
    void grafanaDatasourceConfigMapMatchesTheProvisioningFile() {
        JsonNode cm = Chart.find(allOn, "ConfigMap", "sextant-grafana-datasource");
        assertThat(cm.path("metadata").path("labels").path("grafana_datasource").asText()).isEqualTo("1");
        JsonNode rendered = RepoFiles.yaml(cm.path("data").path("sextant-datasource.yaml").asText())
                .path("datasources").get(0);
        JsonNode provisioned = RepoFiles.yaml(RepoFiles.path(GrafanaProvisioningTest.DATASOURCE))
                .path("datasources").get(0);
        assertThat(rendered.path("jsonData")).isEqualTo(provisioned.path("jsonData"));
        for (String field : List.of("name", "uid", "type", "access", "isDefault")) {
            assertThat(rendered.path(field)).as(field).isEqualTo(provisioned.path(field));
        }
        // The provisioning file assumes release "sextant" in "monitoring": the chart's URL for it.
        assertThat(rendered.path("url").asText()).isEqualTo(provisioned.path("url").asText())
                .isEqualTo("http://sextant.monitoring.svc.cluster.local:9090");
    }

    @Test
    void grafanaDatasourceScrapeIntervalIsTheChartsScrapeInterval() {
        JsonNode values = RepoFiles.yaml(Chart.DIR.resolve("values.yaml"));
        String timeInterval = RepoFiles.yaml(RepoFiles.path(GrafanaProvisioningTest.DATASOURCE))
                .path("datasources").get(0).path("jsonData").path("timeInterval").asText();
        assertThat(values.path("server").path("scrapeInterval").asText()).isEqualTo(timeInterval);
        assertThat(Chart.prometheusYml(defaults).path("global").path("scrape_interval").asText()).isEqualTo(timeInterval);
    }

    @Test
    void grafanaDashboardsConfigMapCarriesTheShippedDashboards() {
        JsonNode cm = Chart.find(allOn, "ConfigMap", "sextant-grafana-dashboards");
        assertThat(cm.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(cm.path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("Sextant");
        List<String> keys = new ArrayList<>();
        cm.path("data").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(DashboardsTest.dashboards().toList());
        for (String key : keys) {
            JsonNode shipped = RepoFiles.json(RepoFiles.path(DashboardsTest.DIR).resolve(key));
            assertThat(RepoFiles.yaml(cm.path("data").path(key).asText())).as(key).isEqualTo(shipped);
        }
    }

    @Test
    void notesTellTheUserHowToReachSextant() {
        String defaultNotes = notes(null);
        assertThat(defaultNotes).contains(
                "kubectl -n monitoring rollout status statefulset/sextant",
                "http://sextant.monitoring.svc.cluster.local:9090",
                "kubectl -n monitoring port-forward svc/sextant 9090:9090",
                "import grafana-datasource/dashboards/*.json")
                .doesNotContain("shards");

        String allOnNotes = notes(Chart.ALL_ON_VALUES);
        assertThat(allOnNotes).contains(
                "split into 3 shards",
                "query the store you remote-write to",
                "ConfigMap sextant-grafana-datasource in namespace grafana",
                "ConfigMap sextant-grafana-dashboards in namespace grafana")
                .doesNotContain("remoteWrite is empty");
    }

    /** NOTES.txt as helm install prints it (client-only dry run: no cluster needed). */
    static String notes(java.nio.file.Path valuesFile) {
        var install = new Helm(Chart.DIR).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .clientOnly().dryRun();
        if (valuesFile != null) {
            install = install.withValuesFile(valuesFile);
        }
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }

    static JsonNode job(JsonNode config, String name) {
        for (JsonNode job : config.path("scrape_configs")) {
            if (name.equals(job.path("job_name").asText())) {
                return job;
            }
        }
        throw new AssertionError("no job " + name);
    }

    static List<String> args(List<JsonNode> docs) {
        JsonNode pod = Chart.find(docs, "StatefulSet", Chart.RELEASE).path("spec").path("template").path("spec");
        return texts(container(pod, "sextant").path("args"));
    }

    static JsonNode container(JsonNode podSpec, String name) {
        for (JsonNode c : podSpec.path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    static String mountPath(JsonNode container, String volume) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of " + volume + " in " + container.path("name").asText());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
