package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** Differential check over files made by small random edits of the fixtures (fixed seed). */
    @Test
    void promtoolAndSextantAgreeOnMutatedFiles(@TempDir Path dir) throws Exception {
        Path promtool = InteropSupport.binary("promtool");
        List<Path> files = RuleFilesTest.checkFiles();
        Random rnd = new Random(99);
        String[] inserts = {":", " ", "\n", "{{", "}}", "- ", "'", "\"", "[", "]", "{", "}", "#", "record: x\n",
            "expr: (", "for: 1", "labels: []", "x"};
        int accepted = 0;
        for (int i = 0; i < 300; i++) {
            StringBuilder b = new StringBuilder(Files.readString(files.get(rnd.nextInt(files.size()))));
            for (int k = 0; k < 1 + rnd.nextInt(2); k++) {
                int pos = b.length() == 0 ? 0 : rnd.nextInt(b.length());
                if (rnd.nextBoolean() && b.length() > 0) {
                    b.deleteCharAt(pos);
                } else {
                    b.insert(pos, inserts[rnd.nextInt(inserts.length)]);
                }
            }
            Path f = dir.resolve("m" + i + ".yml");
            Files.writeString(f, b.toString());
            InteropSupport.Run run = InteropSupport.run(dir, promtool.toString(), "check", "rules", f.toString());
            RuleFiles.CheckResult ours = RuleFiles.check(List.of(f)).get(0);
            assertThat(ours.ok()).as("%s:%n%s%npromtool said (exit %d):%n%s%nSextant said:%n%s", f, b, run.exitCode(),
                    run.output(), ours.report()).isEqualTo(run.exitCode() == 0);
            accepted += ours.ok() ? 1 : 0;
        }
        assertThat(accepted).as("some mutations stay valid").isGreaterThan(5);
    }
}
