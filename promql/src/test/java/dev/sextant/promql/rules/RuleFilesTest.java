package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {
    static final Path CHECK_DIR = Path.of("src/test/resources/rules/check");

    static List<Path> checkFiles() throws IOException {
        try (Stream<Path> s = Files.list(CHECK_DIR)) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void acceptsValidAndRejectsInvalidFiles() throws IOException {
        List<Path> files = checkFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        for (RuleFiles.CheckResult r : RuleFiles.check(files)) {
            boolean valid = r.file().getFileName().toString().startsWith("valid-");
            assertThat(r.ok()).as(r.report()).isEqualTo(valid);
        }
    }

    @Test
    void acceptsPrometheus3GroupFields() {
        RuleFiles.CheckResult r = RuleFiles.check(
                List.of(Path.of("src/test/resources/rules/check-prom3/valid-group-labels-offset.yml"))).get(0);
        assertThat(r.ok()).as(r.report()).isTrue();
        RuleFileParser.Result parsed = RuleFileParser.parseFile(r.file());
        RuleGroupSpec g = parsed.groups().get(0);
        assertThat(g.queryOffsetMs()).isEqualTo(60_000);
        assertThat(g.intervalMs()).isEqualTo(30_000);
        assertThat(g.labels()).containsEntry("team", "infra");
    }

    private static String errors(String name) {
        return String.join("\n", RuleFiles.check(List.of(CHECK_DIR.resolve(name))).get(0).errors());
    }

    @Test
    void errorsNameFileLineAndReasonLikePromtool() {
        assertThat(errors("invalid-both-record-alert.yml")).isEqualTo(CHECK_DIR.resolve("invalid-both-record-alert.yml")
                + ": 4:17: 5:16: group \"g\", rule 1, \"r\": only one of 'record' and 'alert' must be set");
        assertThat(errors("invalid-record-for.yml")).endsWith(
                ": 4:17: group \"g\", rule 1, \"r\": invalid field 'for' in recording rule");
        assertThat(errors("invalid-bad-expr.yml")).contains(": 5:15: group \"g\", rule 1, \"Broken\": could not parse expression: 1:");
        assertThat(errors("invalid-dup-group.yml")).endsWith(": 6:5: groupname: \"g\" is repeated in the same file");
        assertThat(errors("invalid-empty-group-name.yml")).endsWith(": 2:5: Groupname must not be empty");
        assertThat(errors("invalid-neither.yml")).endsWith(
                ": 0:0: group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set");
        assertThat(errors("invalid-no-expr.yml")).endsWith(
                ": 0:0: group \"g\", rule 1, \"NoExpr\": field 'expr' must be set in rule");
        assertThat(errors("invalid-unknown-rule-key.yml")).endsWith(
                ": yaml: unmarshal errors:\n  line 6: field severity not found in type rulefmt.RuleNode");
        assertThat(errors("invalid-unknown-group-key.yml")).endsWith(
                "  line 3: field evaluation_interval not found in type rulefmt.RuleGroup");
        assertThat(errors("invalid-label-name.yml")).endsWith(": group \"g\", rule 1, \"A\": invalid label name: bad-name");
        assertThat(errors("invalid-template-function.yml")).endsWith(": group \"g\", rule 1, \"A\": annotation \"summary\": "
                + "template: __alert_A:1: function \"humanise\" not defined");
        assertThat(errors("invalid-duration.yml")).endsWith(": not a valid duration string: \"5 minutes\"");
        assertThat(errors("invalid-duplicate-key.yml")).endsWith(
                "yaml: unmarshal errors:\n  line 6: mapping key \"expr\" already defined at line 5");
        assertThat(errors("invalid-yaml-syntax.yml")).contains(": yaml: line ");
        assertThat(errors("invalid-record-name.yml")).endsWith("invalid recording rule name: not a metric");
        assertThat(errors("no-such-file.yml")).isEqualTo("open " + CHECK_DIR.resolve("no-such-file.yml")
                + ": no such file or directory");
    }

    @Test
    void reportLooksLikePromtool() {
        List<RuleFiles.CheckResult> rs = RuleFiles.check(
                List.of(CHECK_DIR.resolve("valid-multi-groups.yml"), CHECK_DIR.resolve("invalid-record-for.yml")));
        assertThat(RuleFiles.report(rs)).isEqualTo("Checking " + CHECK_DIR.resolve("valid-multi-groups.yml") + "\n"
                + "  SUCCESS: 3 rules found\n\n"
                + "Checking " + CHECK_DIR.resolve("invalid-record-for.yml") + "\n  FAILED:\n"
                + CHECK_DIR.resolve("invalid-record-for.yml")
                + ": 4:17: group \"g\", rule 1, \"r\": invalid field 'for' in recording rule\n\n");
        assertThat(RuleFiles.exitCode(rs)).isEqualTo(1);
        assertThat(RuleFiles.exitCode(rs.subList(0, 1))).isZero();
    }

    @Test
    void expandsGlobsRelativeToTheConfigDirectory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/b.yml"), "");
        Files.writeString(dir.resolve("rules/a.yml"), "");
        Files.writeString(dir.resolve("rules/c.txt"), "");
        assertThat(RuleFiles.expand(List.of("rules/*.yml", "/abs/missing.yml"), dir)).containsExactly(
                dir.resolve("rules/a.yml"), dir.resolve("rules/b.yml"), Path.of("/abs/missing.yml"));
        assertThat(RuleFiles.expand(List.of("nothing/*.yml"), dir)).isEmpty();
    }

    @Test
    void durationsParseAndPrintLikePrometheus() {
        assertThat(Durations.parse("1h30m")).isEqualTo(5_400_000);
        assertThat(Durations.parse("1d")).isEqualTo(86_400_000);
        assertThat(Durations.parse("500ms")).isEqualTo(500);
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.format(90_000)).isEqualTo("1m30s");
        assertThat(Durations.format(0)).isEqualTo("0s");
        for (String bad : List.of("5 minutes", "1x", "m", "30s1m", "-1m", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
