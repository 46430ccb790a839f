package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server's JVM tuning options live in four places that users and the benchmarks start Sextant
 * from: the {@code ./sextant} launcher, the container image's {@code JAVA_TOOL_OPTIONS}, the Helm
 * chart's {@code server.javaToolOptions} (which replaces the image's) and the Sextant start line of
 * {@code bench/compare.sh} and {@code bench/tsdb-bench-write.sh} (the benches must measure what users run). The launcher's
 * {@code tuning=(...)} line is the source; every other place must carry each of its options.
 */
class JvmOptionsInSyncTest {

    static List<String> launcherTuning() {
        String launcher = RepoFiles.read(RepoFiles.path("sextant"));
        Matcher m = Pattern.compile("(?m)^tuning=\\(([^)]*)\\)").matcher(launcher);
        assertThat(m.find()).as("a tuning=(...) line in ./sextant").isTrue();
        List<String> opts = new ArrayList<>();
        for (String o : m.group(1).strip().split("\\s+")) {
            if (!o.isEmpty()) {
                opts.add(o);
            }
        }
        return opts;
    }

    @Test
    void launcherPassesItsTuningToJava() {
        List<String> tuning = launcherTuning();
        assertThat(tuning).isNotEmpty().allMatch(o -> o.startsWith("-XX:") || o.startsWith("-D"));
        String launcher = RepoFiles.read(RepoFiles.path("sextant"));
        // The tuning comes before SEXTANT_JAVA_OPTS, so a user's own option of the same name wins.
        int tuningUse = launcher.indexOf("\"${tuning[@]}\"");
        int userOpts = launcher.indexOf("${SEXTANT_JAVA_OPTS:-}", Math.max(tuningUse, 0));
        assertThat(tuningUse).as("\"${tuning[@]}\" on the java line").isPositive();
        assertThat(userOpts).as("SEXTANT_JAVA_OPTS after the tuning").isGreaterThan(tuningUse);
    }

    @Test
    void imageAndChartCarryTheLauncherTuning() {
        List<String> tuning = launcherTuning();
        String toolOptions = DockerfileTest.stages().get(1).all("ENV").stream()
                .map(DockerfileTest.Instruction::args)
                .filter(a -> a.startsWith("JAVA_TOOL_OPTIONS="))
                .findFirst().orElse("");
        List<String> image = List.of(toolOptions.replace("JAVA_TOOL_OPTIONS=", "").replace("\"", "").split("\\s+"));
        String chartValue = RepoFiles.yaml(RepoFiles.path("deploy/helm/sextant/values.yaml"))
                .path("server").path("javaToolOptions").asText();
        List<String> chart = List.of(chartValue.split("\\s+"));
        assertThat(image).as("Dockerfile JAVA_TOOL_OPTIONS").containsAll(tuning);
        assertThat(chart).as("values.yaml server.javaToolOptions").containsAll(tuning);
        // The image and the chart agree on everything else too (the chart replaces the image's value).
        assertThat(chart).containsExactlyInAnyOrderElementsOf(image);
    }

    @Test
    void benchStartsSextantWithTheLauncherTuning() {
        assertScriptStartsSextantWithTheLauncherTuning("bench/compare.sh", "jvm_flags");
    }

    @Test
    void headAppendBenchStartsSextantWithTheLauncherTuning() {
        // The head-append figure against promtool (issue #3) must also run Sextant as users run it.
        assertScriptStartsSextantWithTheLauncherTuning("bench/tsdb-bench-write.sh", "jflags");
    }

    /** The script's {@code sextant_tuning=(...)} equals the launcher's and its java line uses it. */
    private static void assertScriptStartsSextantWithTheLauncherTuning(String path, String flagsArray) {
        String script = RepoFiles.read(RepoFiles.path(path));
        Matcher m = Pattern.compile("(?m)^sextant_tuning=\\(([^)]*)\\)").matcher(script);
        assertThat(m.find()).as("a sextant_tuning=(...) line in " + path).isTrue();
        assertThat(List.of(m.group(1).strip().split("\\s+"))).containsExactlyElementsOf(launcherTuning());
        assertThat(script).contains("java \"${" + flagsArray + "[@]}\" \"${sextant_tuning[@]}\"");
    }
}
