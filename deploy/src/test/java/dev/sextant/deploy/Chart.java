package dev.sextant.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Renders the Helm chart with helm-java (Helm's own Go code through JNA) and parses the output. */
final class Chart {

    static final Path DIR = RepoFiles.path("deploy/helm/sextant");
    static final Path ALL_ON_VALUES = DIR.resolve("ci/all-on-values.yaml");
    static final String RELEASE = "sextant";
    static final String NAMESPACE = "monitoring";

    private Chart() {}

    static String render(UnaryOperator<TemplateCommand> options) {
        return options.apply(new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)).call();
    }

    static String renderDefaults() {
        return render(t -> t);
    }

    static String renderAllOn() {
        return render(t -> t.withValuesFile(ALL_ON_VALUES));
    }

    static List<JsonNode> documents(String rendered) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = RepoFiles.YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static JsonNode find(List<JsonNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds(docs)));
    }

    static List<String> kinds(List<JsonNode> docs) {
        return docs.stream().map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()).toList();
    }

    /** prometheus.yml from the chart's ConfigMap. */
    static JsonNode prometheusYml(List<JsonNode> docs) {
        return RepoFiles.yaml(find(docs, "ConfigMap", RELEASE).path("data").path("prometheus.yml").asText());
    }
}
