package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.rules.RuleFileParser;
import dev.sextant.promql.rules.RuleGroupSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordingRulesTest {
    @Test
    void thousandValidRecordingRulesWithDistinctNamesInGroupsOfTwenty() {
        String text = RecordingRules.render(1000, 20, "15s");
        RuleFileParser.Result r = RuleFileParser.parse(Path.of("rules.yml"), text);
        assertThat(r.errors()).isEmpty();
        assertThat(r.ruleCount()).isEqualTo(1000);
        assertThat(r.groups()).hasSize(50);
        Set<String> names = new HashSet<>();
        for (RuleGroupSpec g : r.groups()) {
            assertThat(g.rules()).hasSize(20);
            g.rules().forEach(rule -> names.add(rule.name()));
        }
        assertThat(names).hasSize(1000);
        assertThat(text).contains("expr: sum by (job) (rate(http_requests_total[5m]))")
                .contains("expr: sum by (le, job) (rate(http_request_duration_seconds_bucket[5m]))");
    }

    @Test
    void everyRateIsOverACounterLikeSeriesOfTheModel() {
        assertThat(RecordingRules.counterMetrics()).hasSize(90)
                .allMatch(m -> m.endsWith("_total") || m.endsWith("_count") || m.endsWith("_sum") || m.endsWith("_bucket"));
        assertThat(RuleFileParser.parse(Path.of("empty.yml"), RecordingRules.render(0, 20, "15s")).ruleCount()).isZero();
    }
}
