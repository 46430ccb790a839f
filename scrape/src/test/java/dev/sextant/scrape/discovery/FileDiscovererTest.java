package dev.sextant.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.scrape.config.ScrapeConfig.FileSdConfig;
import dev.sextant.tsdb.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiscovererTest {
    final Map<String, TargetGroup> state = new ConcurrentHashMap<>();

    void apply(List<TargetGroup> update) {
        for (TargetGroup g : update) {
            if (g.targets().isEmpty()) {
                state.remove(g.source());
            } else {
                state.put(g.source(), g);
            }
        }
    }

    static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void readsJsonAndYamlAndFollowsChanges(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("a.json");
        Path yaml = dir.resolve("b.yml");
        Files.writeString(json, "[{\"targets\": [\"h1:1\", \"h2:2\"], \"labels\": {\"env\": \"prod\"}}]");
        Files.writeString(yaml, "- targets: ['h3:3']\n- targets: ['h4:4']\n  labels: {team: x}\n");
        try (FileDiscoverer d = new FileDiscoverer(new FileSdConfig(List.of(dir.resolve("*.json").toString(), dir.resolve("*.yml").toString()), 60_000))) {
            d.start(this::apply);
            assertThat(state).hasSize(3);
            TargetGroup a = state.get(json + ":0");
            assertThat(a.targets()).containsExactly(Labels.of("__address__", "h1:1"), Labels.of("__address__", "h2:2"));
            assertThat(a.labels()).isEqualTo(Labels.of("env", "prod", "__meta_filepath", json.toString()));
            assertThat(state.get(yaml + ":1").labels().get("team")).isEqualTo("x");

            // Modified: a group disappears, a target changes.
            Files.writeString(yaml, "- targets: ['h9:9']\n");
            await("yaml change", () -> state.size() == 2 && state.get(yaml + ":0").targets().get(0).get("__address__").equals("h9:9"));
            // Invalid content keeps the previous groups.
            Files.writeString(json, "[{\"targets\": [\"h1:1\"], \"bogus\": 1}]");
            Thread.sleep(300);
            assertThat(state.get(json + ":0").targets()).hasSize(2);
            // Deleted: its groups go.
            Files.delete(json);
            await("json delete", () -> !state.containsKey(json + ":0"));
            // New file matching the glob.
            Files.writeString(dir.resolve("c.json"), "[{\"targets\": [\"new:1\"]}]");
            await("new file", () -> state.containsKey(dir.resolve("c.json") + ":0"));
        }
    }
}
