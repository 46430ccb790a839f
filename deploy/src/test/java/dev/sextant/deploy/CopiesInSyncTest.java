package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Files that exist twice on purpose: the dashboards inside the chart (Helm can only read files
 * below the chart) and the plain manifests (for users without Helm). Both must match their source.
 */
class CopiesInSyncTest {

    static final Path MANIFESTS = RepoFiles.path("deploy/kubernetes/sextant.yaml");
    static final String MANIFESTS_HEADER = """
            # Plain Kubernetes manifests for Sextant: the Helm chart in deploy/helm/sextant rendered with its
            # default values, release "sextant", namespace "monitoring". Do not edit: change the chart, then
            # run `./mvnw -B -q -pl deploy verify`; when this file is stale the test writes the new rendering to
            # deploy/target/kubernetes/sextant.yaml, to copy here.
            #   kubectl apply -f deploy/kubernetes/namespace.yaml -f deploy/kubernetes/sextant.yaml
            """;

    @Test
    void chartDashboardsAreByteForByteCopiesOfTheShippedDashboards() throws IOException {
        Path source = RepoFiles.path(DashboardsTest.DIR);
        Path copy = Chart.DIR.resolve("dashboards");
        assertThat(names(copy)).containsExactlyInAnyOrderElementsOf(names(source)).isNotEmpty();
        for (String name : names(source)) {
            assertThat(Files.readString(copy.resolve(name)))
                    .as("deploy/helm/sextant/dashboards/%s differs from %s/%s: copy it over", name, DashboardsTest.DIR, name)
                    .isEqualTo(Files.readString(source.resolve(name)));
        }
    }

    @Test
    void plainManifestsAreTheChartRenderedWithDefaults() throws IOException {
        String expected = MANIFESTS_HEADER + Chart.renderDefaults();
        String actual = Files.exists(MANIFESTS) ? Files.readString(MANIFESTS) : "";
        if (!actual.equals(expected)) {
            Path fresh = RepoFiles.path("deploy/target/kubernetes/sextant.yaml");
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, expected);
        }
        assertThat(actual).as("deploy/kubernetes/sextant.yaml is stale; copy deploy/target/kubernetes/sextant.yaml over it")
                .isEqualTo(expected);
    }

    @Test
    void namespaceManifestCreatesTheNamespaceTheManifestsUse() {
        JsonNode ns = RepoFiles.yaml(RepoFiles.path("deploy/kubernetes/namespace.yaml"));
        assertThat(ns.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(ns.path("kind").asText()).isEqualTo("Namespace");
        assertThat(ns.path("metadata").path("name").asText()).isEqualTo(Chart.NAMESPACE);
        List<JsonNode> objects = Chart.documents(RepoFiles.read(MANIFESTS));
        assertThat(objects).isNotEmpty().allSatisfy(o -> {
            if (!HelmChartTest.CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                assertThat(o.path("metadata").path("namespace").asText()).isEqualTo(Chart.NAMESPACE);
            }
        });
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
