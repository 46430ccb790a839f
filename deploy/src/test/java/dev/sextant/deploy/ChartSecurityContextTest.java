package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every container the chart renders (init containers included, in every workload kind, with
 * default values and with every option on) runs as a non-root user on a read-only root file
 * system, without privilege escalation or Linux capabilities; every path it writes is a volume.
 * Generic over the rendered objects, so a container added later is checked too.
 */
class ChartSecurityContextTest {
    static final Set<String> WORKLOADS = Set.of("StatefulSet", "Deployment", "DaemonSet", "Job", "CronJob", "Pod");

    static Stream<String> variants() {
        return Stream.of("defaults", "all-on");
    }

    static List<JsonNode> render(String variant) {
        return Chart.documents(variant.equals("defaults") ? Chart.renderDefaults() : Chart.renderAllOn());
    }

    record Checked(String where, JsonNode pod, JsonNode container) {}

    static List<Checked> containers(List<JsonNode> docs) {
        List<Checked> out = new ArrayList<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            if (!WORKLOADS.contains(kind)) {
                continue;
            }
            JsonNode pod = switch (kind) {
                case "Pod" -> d.path("spec");
                case "CronJob" -> d.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
                default -> d.path("spec").path("template").path("spec");
            };
            for (String list : new String[] {"initContainers", "containers"}) {
                for (JsonNode c : pod.path(list)) {
                    out.add(new Checked(kind + "/" + d.path("metadata").path("name").asText() + " " + list + "/"
                            + c.path("name").asText(), pod, c));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyContainerIsNonRootWithAReadOnlyRootFilesystem(String variant) {
        List<Checked> all = containers(render(variant));
        assertThat(all).as("containers rendered").isNotEmpty();
        if (variant.equals("all-on")) {
            assertThat(all).as("the sharded variant has an init container").anyMatch(c -> c.where().contains("initContainers/"));
        }
        for (Checked c : all) {
            JsonNode podSc = c.pod().path("securityContext");
            JsonNode sc = c.container().path("securityContext");
            boolean nonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot").asBoolean() : podSc.path("runAsNonRoot").asBoolean();
            assertThat(nonRoot).as(c.where() + " runAsNonRoot").isTrue();
            long uid = sc.has("runAsUser") ? sc.path("runAsUser").asLong() : podSc.path("runAsUser").asLong(-1);
            assertThat(uid).as(c.where() + " runs as a fixed non-zero uid").isPositive();
            long gid = sc.has("runAsGroup") ? sc.path("runAsGroup").asLong() : podSc.path("runAsGroup").asLong(-1);
            assertThat(gid).as(c.where() + " runAsGroup").isPositive();
            assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(c.where() + " readOnlyRootFilesystem").isTrue();
            assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean())
                    .as(c.where() + " allowPrivilegeEscalation: false").isTrue();
            assertThat(sc.path("privileged").asBoolean(false)).as(c.where() + " privileged").isFalse();
            List<String> dropped = new ArrayList<>();
            sc.path("capabilities").path("drop").forEach(n -> dropped.add(n.asText()));
            assertThat(dropped).as(c.where() + " drops all capabilities").contains("ALL");
            assertThat(sc.path("capabilities").path("add").size()).as(c.where() + " adds no capabilities").isZero();
            String seccomp = sc.path("seccompProfile").path("type").asText(podSc.path("seccompProfile").path("type").asText());
            assertThat(seccomp).as(c.where() + " seccomp").isIn("RuntimeDefault", "Localhost");
            assertThat(c.pod().path("hostNetwork").asBoolean(false)).as(c.where() + " hostNetwork").isFalse();
            assertThat(c.pod().path("hostPID").asBoolean(false)).as(c.where() + " hostPID").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theServerWritesOnlyToVolumes(String variant) {
        for (Checked c : containers(render(variant))) {
            if (!c.container().path("name").asText().equals("sextant")) {
                continue;
            }
            List<String> writable = new ArrayList<>();
            for (JsonNode m : c.container().path("volumeMounts")) {
                if (!m.path("readOnly").asBoolean(false)) {
                    writable.add(m.path("mountPath").asText());
                }
            }
            // The data directory and the JVM's /tmp; configuration is mounted read-only.
            assertThat(writable).as(c.where()).containsExactlyInAnyOrder("/prometheus", "/tmp");
            assertThat(c.container().path("args").toString()).contains("--storage.tsdb.path=/prometheus");
        }
    }

    @Test
    void theImageRunsAsTheSameNonRootUser() throws Exception {
        // The Dockerfile's USER matches the chart's runAsUser, so the image also runs non-root outside Kubernetes.
        String dockerfile = java.nio.file.Files.readString(RepoFiles.path("deploy/docker/Dockerfile"));
        List<Checked> all = containers(render("defaults"));
        long uid = all.get(0).pod().path("securityContext").path("runAsUser").asLong();
        assertThat(dockerfile).containsPattern("(?m)^USER " + uid + ":" + uid + "$");
    }
}
