package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedTargetsTest {
    /** Sample lines of one exposition as series → value; asserts HELP/TYPE precede each family. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        String typed = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                typed = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String series = line.substring(0, sp);
            assertThat(series).startsWith(typed).doesNotContain("instance=").doesNotContain("job=");
            assertThat(out.put(series, Double.parseDouble(line.substring(sp + 1)))).as("duplicate " + series).isNull();
        }
        return out;
    }

    @Test
    void everyScrapeExposesTheConfiguredSeriesAndValuesMove() {
        SimulatedTargets sim = new SimulatedTargets(10, 1000);
        SimulatedTargets.Buffer b = new SimulatedTargets.Buffer();
        sim.render(3, 1, b);
        Map<String, Double> first = samples(b.text());
        sim.render(3, 2, b);
        Map<String, Double> second = samples(b.text());
        assertThat(first).hasSize(1000);
        assertThat(second.keySet()).isEqualTo(first.keySet());
        int moved = 0;
        for (Map.Entry<String, Double> e : first.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().indexOf('{'));
            double after = second.get(e.getKey());
            if (name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_count")) {
                assertThat(after).as(e.getKey()).isGreaterThan(e.getValue());
            }
            if (after != e.getValue()) {
                moved++;
            }
        }
        assertThat(moved).isGreaterThan(950);
        sim.render(4, 2, b);
        assertThat(samples(b.text())).isNotEqualTo(second);
    }

    @Test
    void configListsOneTargetPerPath(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("prometheus.yml");
        SimulatedTargets.writeConfig(cfg, 9123, 25, "15s");
        String text = Files.readString(cfg);
        assertThat(text.split("__metrics_path__")).hasSize(26);
        assertThat(text).contains("'/metrics/24'").contains("instance: 'target-0'").contains("scrape_interval: 15s");
    }
}
