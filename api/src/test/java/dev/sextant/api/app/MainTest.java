package dev.sextant.api.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void theCommonPoolHasAtLeastTwoThreadsSoScrapeCompletionsDoNotStartThreads() {
        String before = System.getProperty(Main.COMMON_POOL_PARALLELISM);
        try {
            System.clearProperty(Main.COMMON_POOL_PARALLELISM);
            Main.ensureCommonPoolParallelism();
            String expected = Runtime.getRuntime().availableProcessors() < 3 ? "2" : null;
            assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo(expected);
            System.setProperty(Main.COMMON_POOL_PARALLELISM, "7");
            Main.ensureCommonPoolParallelism();
            assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).as("an explicit setting is kept").isEqualTo("7");
        } finally {
            if (before == null) {
                System.clearProperty(Main.COMMON_POOL_PARALLELISM);
            } else {
                System.setProperty(Main.COMMON_POOL_PARALLELISM, before);
            }
        }
    }

    @Test
    void leakDetectionIsOffUnlessGiven() {
        String before = System.getProperty(Main.LEAK_DETECTION);
        try {
            System.clearProperty(Main.LEAK_DETECTION);
            Main.ensureLeakDetectionOff();
            assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");
            System.setProperty(Main.LEAK_DETECTION, "paranoid");
            Main.ensureLeakDetectionOff();
            assertThat(System.getProperty(Main.LEAK_DETECTION)).as("an explicit setting is kept").isEqualTo("paranoid");
        } finally {
            if (before == null) {
                System.clearProperty(Main.LEAK_DETECTION);
            } else {
                System.setProperty(Main.LEAK_DETECTION, before);
            }
        }
    }

    @Test
    void prometheusFlagNamesAndDefaults() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--web.enable-remote-write-receiver", "--query.timeout=30s",
                "--storage.tsdb.retention.time", "30d");
        assertThat(main.dataDir).isEqualTo(Path.of("data/"));
        assertThat(main.listenAddress).isEqualTo("0.0.0.0:9090");
        assertThat(main.remoteWriteReceiver).isTrue();
        assertThat(main.lifecycle).isFalse();
        assertThat(main.queryTimeout).isEqualTo(Duration.ofSeconds(30));
        assertThat(main.lookbackDelta).isEqualTo(Duration.ofMinutes(5));
        assertThat(main.retentionTime).isEqualTo(Duration.ofDays(30));
        assertThat(main.maxSamples).isEqualTo(50_000_000L);
    }

    @Test
    void walCompressionIsOnByDefaultAndCanBeTurnedOffLikeKingpinBooleans() {
        Main on = new Main();
        new CommandLine(on).parseArgs();
        assertThat(on.walCompression()).isTrue();
        Main off = new Main();
        new CommandLine(off).parseArgs("--no-storage.tsdb.wal-compression");
        assertThat(off.walCompression()).isFalse();
        Main offByValue = new Main();
        new CommandLine(offByValue).parseArgs("--storage.tsdb.wal-compression=false");
        assertThat(offByValue.walCompression()).isFalse();
        Main explicit = new Main();
        new CommandLine(explicit).parseArgs("--storage.tsdb.wal-compression");
        assertThat(explicit.walCompression()).isTrue();
    }

    @Test
    void unknownFlagOrBadValueExitsNonZeroWithAMessage() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("--no.such.flag")).isNotZero();
        assertThat(err.toString()).contains("Unknown option: '--no.such.flag'");
        assertThat(cl.execute("--query.timeout=soon")).isNotZero();
        assertThat(err.toString()).contains("not a valid duration: 'soon'");
    }

    @Test
    void listenAddressParsing() {
        assertThat(Main.HostPort.parse(":9090")).isEqualTo(new Main.HostPort("0.0.0.0", 9090));
        assertThat(Main.HostPort.parse("127.0.0.1:0")).isEqualTo(new Main.HostPort("127.0.0.1", 0));
        assertThat(Main.HostPort.parse("[::1]:9090")).isEqualTo(new Main.HostPort("::1", 9090));
        assertThatThrownBy(() -> Main.HostPort.parse("localhost")).hasMessageContaining("missing port");
    }

    @Test
    void configWithUnknownTopLevelKeyNamesFileAndLine() throws Exception {
        Path f = dir.resolve("prometheus.yml");
        Files.writeString(f, "global:\n  scrape_interval: 15s\nscrape_confgs: []\n");
        assertThatThrownBy(() -> ConfigFile.load(f))
                .isInstanceOf(ConfigFile.ConfigException.class)
                .hasMessage("parsing YAML file " + f + ": line 3: field scrape_confgs not found in type config.plain");
    }

    @Test
    void brokenYamlAndMissingFileAreErrors() throws Exception {
        Path f = dir.resolve("bad.yml");
        Files.writeString(f, "global:\n  scrape_interval: [15s\n");
        assertThatThrownBy(() -> ConfigFile.load(f)).isInstanceOf(ConfigFile.ConfigException.class)
                .hasMessageStartingWith("parsing YAML file " + f + ": line");
        assertThatThrownBy(() -> ConfigFile.load(dir.resolve("missing.yml")))
                .isInstanceOf(ConfigFile.ConfigException.class).hasMessageContaining("couldn't load configuration");
    }

    @Test
    void builtInConfigLoads() {
        ConfigFile c = ConfigFile.builtIn();
        assertThat(c.tree().path("global").path("scrape_interval").asText()).isEqualTo("15s");
        assertThat(c.tree().path("scrape_configs").get(0).path("job_name").asText()).isEqualTo("sextant");
    }

    @Test
    void badConfigFileMakesTheServerCommandExitNonZero() throws Exception {
        Path f = dir.resolve("prometheus.yml");
        Files.writeString(f, "bogus: 1\n");
        CommandLine cl = Main.commandLine();
        assertThat(cl.execute("--config.file=" + f, "--web.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + dir.resolve("data"))).isEqualTo(1);
    }
}
