package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
    @TempDir
    Path dir;

    @Test
    void validAndInvalidConfigsLikePromtool() throws Exception {
        Path good = dir.resolve("good.yml");
        Files.writeString(good, "global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: a\n"
                + "    static_configs:\n      - targets: [\"h:9100\"]\n");
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "scrape_configs:\n  - job_name: a\n    scrape_intervall: 30s\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("check", "config", good.toString())).isZero();
        assertThat(out.toString()).contains("Checking " + good, "SUCCESS: " + good + " is valid prometheus config file syntax");
        assertThat(cl.execute("check", "config", good.toString(), bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("FAILED: ").contains("bad.yml:3").contains("scrape_intervall");
    }

    @Test
    void checkRulesAndTestRulesLikePromtool() throws Exception {
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n");
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job (up)\n");
        Path test = dir.resolve("test.yml");
        Files.writeString(test, """
                rule_files: [rules.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'up{job="a", instance="x"}'
                        values: '1 1 1'
                      - series: 'up{job="a", instance="y"}'
                        values: '0 1 1'
                    promql_expr_test:
                      - expr: job:up:sum
                        eval_time: 2m
                        exp_samples:
                          - labels: 'job:up:sum{job="a"}'
                            value: 2
                """);
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("check", "rules", rules.toString())).isZero();
        assertThat(out.toString()).contains("SUCCESS: 1 rules found");
        assertThat(cl.execute("check", "rules", broken.toString())).isEqualTo(1);
        assertThat(cl.execute("test", "rules", test.toString())).isZero();
        assertThat(out.toString()).contains("SUCCESS");
        Files.writeString(test, Files.readString(test).replace("value: 2", "value: 3"));
        assertThat(cl.execute("test", "rules", test.toString())).isEqualTo(1);
    }

    @Test
    void testPromqlRunsTestScriptsAndCountsUnsupportedEvals() throws Exception {
        Path script = dir.resolve("mine.test");
        Files.writeString(script, """
                load 1m
                  http_requests_total{job="a"} 0+10x10

                eval instant at 5m rate(http_requests_total[5m])
                  {job="a"} 0.16666666666666666

                eval instant at 5m sum(http_requests_total)
                  {} 51
                """);
        Path unsupported = dir.resolve("unsupported.txt");
        Files.writeString(unsupported, "mine.test:7 feature we pretend is missing\n");
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("test", "promql", script.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("mine.test: 1 passed / 1 failed / 0 unsupported")
                .contains("promqltest: 1 passed, 1 failed, 0 unsupported");
        StringWriter out2 = new StringWriter();
        cl.setOut(new PrintWriter(out2));
        assertThat(cl.execute("test", "promql", "--unsupported", unsupported.toString(), script.toString())).isZero();
        assertThat(out2.toString()).endsWith("promqltest: 1 passed, 0 failed, 1 unsupported\n");
    }
}
