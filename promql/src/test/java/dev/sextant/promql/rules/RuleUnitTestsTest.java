package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleUnitTestsTest {
    static final Path DIR = Path.of("src/test/resources/rules/unittest");

    static List<Path> testFiles(String prefix) throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void passingFilesPass() throws IOException {
        List<Path> files = testFiles("pass-");
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        RuleUnitTests.Result r = RuleUnitTests.run(files);
        assertThat(r.exitCode()).as(r.report()).isZero();
        assertThat(r.report()).startsWith("Unit Testing:  " + files.get(0) + "\n  SUCCESS\n\n");
    }

    @Test
    void aWrongExpectationFailsWithPromtoolStyleDetails() throws IOException {
        RuleUnitTests.Result r = RuleUnitTests.run(testFiles("fail-"));
        assertThat(r.exitCode()).isEqualTo(1);
        String report = r.report();
        assertThat(report).contains("  FAILED:\n    name: wrong on purpose,\n    alertname: InstanceDown, time: 3m, \n"
                + "        exp:[\n            0:\n"
                + "              Labels:{alertname=\"InstanceDown\", instance=\"h1:9100\", job=\"node\", severity=\"warning\"}\n"
                + "              Annotations:{}\n            ], \n        got:[\n            0:\n"
                + "              Labels:{alertname=\"InstanceDown\", instance=\"h1:9100\", job=\"node\", severity=\"page\"}\n");
        assertThat(report).contains("    expr: \"job:requests:copy\", time: 2m,\n"
                + "        exp: {__name__=\"job:requests:copy\", job=\"api\"} 2E+00\n"
                + "        got: {__name__=\"job:requests:copy\", job=\"api\"} 1E+00\n");
    }

    @Test
    void brokenRuleFilesAndMissingFilesFail(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("bad-rules.yml"), "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: 'a{'\n");
        Files.writeString(dir.resolve("t.yml"), "rule_files: [bad-rules.yml]\ntests: []\n");
        RuleUnitTests.Result r = RuleUnitTests.run(List.of(dir.resolve("t.yml"), dir.resolve("missing.yml")));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.files().get(0).errors()).singleElement().asString().contains("could not parse expression");
        assertThat(r.files().get(1).ok()).isFalse();
    }
}
