package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The same {@code promtool test rules} files pass (or fail) with promtool and with Sextant's runner. */
@Tag("interop")
class PromtoolTestRulesInteropTest {
    @Test
    void passingFilesPassInBoth() throws Exception {
        Path promtool = InteropSupport.binary("promtool");
        List<Path> files = RuleUnitTestsTest.testFiles("pass-");
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (Path f : files) {
            InteropSupport.Run run = InteropSupport.run(RuleUnitTestsTest.DIR, promtool.toString(), "test", "rules",
                    f.getFileName().toString());
            assertThat(run.exitCode()).as("promtool on %s:%n%s", f, run.output()).isZero();
            assertThat(run.output()).contains("SUCCESS");
            RuleUnitTests.Result ours = RuleUnitTests.run(List.of(f));
            assertThat(ours.exitCode()).as("Sextant on %s:%n%s", f, ours.report()).isZero();
        }
    }

    @Test
    void theWrongExpectationFailsInBoth() throws Exception {
        Path promtool = InteropSupport.binary("promtool");
        Path f = RuleUnitTestsTest.DIR.resolve("fail-wrong-expectation.yml");
        InteropSupport.Run run = InteropSupport.run(RuleUnitTestsTest.DIR, promtool.toString(), "test", "rules",
                f.getFileName().toString());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        RuleUnitTests.Result ours = RuleUnitTests.run(List.of(f));
        assertThat(ours.exitCode()).isEqualTo(1);
        // Both name the same failing alert and expression.
        for (String line : List.of("alertname: InstanceDown, time: 3m,", "expr: \"job:requests:copy\", time: 2m,",
                "got: {__name__=\"job:requests:copy\", job=\"api\"} 1E+00")) {
            assertThat(run.output()).contains(line);
            assertThat(ours.report()).contains(line);
        }
    }
}
