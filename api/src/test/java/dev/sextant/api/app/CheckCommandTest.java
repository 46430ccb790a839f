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
}
