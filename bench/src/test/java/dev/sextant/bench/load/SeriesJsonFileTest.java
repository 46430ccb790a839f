package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeriesJsonFileTest {
    @Test
    void everyLineIsADistinctJsonLabelMapPromtoolCanSplit() throws Exception {
        int series = 2 * SeriesModel.SERIES_PER_TARGET + 17;
        StringWriter w = new StringWriter();
        SeriesJsonFile.write(w, new SeriesModel(series, 1));
        List<String> lines = w.toString().lines().toList();
        assertThat(lines).hasSize(series);
        ObjectMapper json = new ObjectMapper();
        Set<Map<String, String>> distinct = new HashSet<>();
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, String> m = json.readValue(line, Map.class);
            assertThat(m.size()).isBetween(8, 9);
            assertThat(m).containsKeys("__name__", "cluster", "env", "instance", "job", "namespace", "pod", "region");
            // promtool's reader: quotes and braces dropped, split at ',' then ':'; it must see the same pairs.
            String[] pairs = line.replace("\"", "").replace("{", "").replace("}", "").split(",");
            assertThat(pairs).hasSize(m.size());
            for (String p : pairs) {
                String[] nv = p.split(":");
                assertThat(nv).hasSize(2);
                assertThat(m.get(nv[0])).isEqualTo(nv[1]);
            }
            distinct.add(m);
        }
        assertThat(distinct).hasSize(series);
    }
}
