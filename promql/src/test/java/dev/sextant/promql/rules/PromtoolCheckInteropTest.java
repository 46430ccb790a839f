package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code promtool check rules} and Sextant's checker agree on every file in {@code rules/check/}. */
@Tag("interop")
class PromtoolCheckInteropTest {
    @Test
    void promtoolAndSextantAgreeOnEveryFile() throws Exception {
        Path promtool = InteropSupport.binary("promtool");
        List<Path> files = RuleFilesTest.checkFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        int valid = 0;
        int invalid = 0;
        for (Path f : files) {
            InteropSupport.Run run = InteropSupport.run(Path.of("."), promtool.toString(), "check", "rules", f.toString());
            RuleFiles.CheckResult ours = RuleFiles.check(List.of(f)).get(0);
            assertThat(ours.ok()).as("%s: promtool said (exit %d):%n%s%nSextant said:%n%s", f, run.exitCode(),
                    run.output(), ours.report()).isEqualTo(run.exitCode() == 0);
            if (ours.ok()) {
                valid++;
                assertThat(run.output()).contains("SUCCESS: " + ours.rules() + " rules found");
            } else {
                invalid++;
            }
        }
        assertThat(valid).as("valid files").isGreaterThanOrEqualTo(10);
        assertThat(invalid).as("invalid files").isGreaterThanOrEqualTo(10);
    }
}
