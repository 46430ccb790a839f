package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Parses the Dockerfile into instructions and checks the structure the deployment depends on, in
 * every build. ImageInteropTest builds and runs the image for real (-Pinterop).
 */
class DockerfileTest {

    record Instruction(String keyword, String args) {}

    record Stage(String from, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword.equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> found = all(keyword);
            assertThat(found).as("%s in stage %s", keyword, name).isNotEmpty();
            return found.get(found.size() - 1);
        }
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed.substring(0, trimmed.length() - 1).strip()).append(" ");
                continue;
            }
            current.append(trimmed);
            String full = current.toString().strip();
            current.setLength(0);
            if (full.isEmpty()) {
                continue;
            }
            String[] parts = full.split("\\s+", 2);
            out.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
        }
        assertThat(current.toString().strip()).as("dangling line continuation").isEmpty();
        return out;
    }

    /** The ARGs before the first FROM (the only ones a FROM line may use), name to default value. */
    static Map<String, String> globalArgs() {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction i : parse(RepoFiles.read(RepoFiles.path("deploy/docker/Dockerfile")))) {
            if (i.keyword.equals("FROM")) {
                break;
            }
            assertThat(i.keyword).as("only ARG may precede FROM").isEqualTo("ARG");
            String[] kv = i.args.split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return args;
    }

    static List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        for (Instruction i : parse(RepoFiles.read(RepoFiles.path("deploy/docker/Dockerfile")))) {
            if (i.keyword.equals("FROM")) {
                String[] parts = i.args.split("\\s+");
                String name = parts.length == 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : "";
                stages.add(new Stage(parts[0], name, new ArrayList<>()));
            } else if (stages.isEmpty() && i.keyword.equals("ARG")) {
                continue;
            } else {
                assertThat(stages).as("%s before FROM", i.keyword).isNotEmpty();
                stages.get(stages.size() - 1).instructions.add(i);
            }
        }
        return stages;
    }

    static List<String> jsonArray(String args) {
        try {
            return RepoFiles.JSON.readValue(args, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("not exec form: " + args, e);
        }
    }

    @Test
    void buildsWithTheMavenWrapperOnAJdkAndRunsOnAJre17() {
        List<Stage> stages = stages();
        assertThat(stages).hasSize(2);
        Stage build = stages.get(0);
        Stage runtime = stages.get(1);
        // The bases are build arguments (image-test.sh passes local ones); the defaults are what a
        // user building the image pulls.
        assertThat(globalArgs()).containsExactly(
                Map.entry("BUILD_IMAGE", "eclipse-temurin:17-jdk"), Map.entry("RUNTIME_IMAGE", "eclipse-temurin:17-jre"));
        assertThat(build.from).isEqualTo("${BUILD_IMAGE}");
        assertThat(build.name).isEqualTo("build");
        assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run.args)
                .contains("./mvnw -B -q -DskipTests -pl api -am package")
                .contains("api/target/sextant.jar")
                .contains("api/target/lib"));
        assertThat(runtime.from).isEqualTo("${RUNTIME_IMAGE}");
        assertThat(runtime.all("COPY")).anySatisfy(copy -> assertThat(copy.args)
                .startsWith("--from=build").endsWith("/opt/sextant"));
    }

    @Test
    void runsAsNobodyWithTheDataVolumeAndPortOfPrometheus() {
        Stage runtime = stages().get(1);
        assertThat(runtime.last("USER").args).isEqualTo("65534:65534");
        // Nothing may run as root after the switch to the unprivileged user.
        int user = runtime.instructions.indexOf(runtime.last("USER"));
        int lastRun = runtime.instructions.indexOf(runtime.last("RUN"));
        assertThat(lastRun).isLessThan(user);
        assertThat(runtime.last("RUN").args).contains("chown -R 65534:65534 /prometheus");
        assertThat(jsonArray(runtime.last("VOLUME").args)).containsExactly("/prometheus");
        assertThat(runtime.last("EXPOSE").args).isEqualTo("9090");
        assertThat(runtime.last("WORKDIR").args).isEqualTo("/prometheus");
    }

    @Test
    void entrypointStartsTheJarWithTheJvmFlagsTheBuildUses() throws IOException {
        List<String> entrypoint = jsonArray(stages().get(1).last("ENTRYPOINT").args);
        String pom = RepoFiles.read(RepoFiles.path("pom.xml"));
        Matcher m = Pattern.compile("<sextant.jvm.flags>([^<]+)</sextant.jvm.flags>").matcher(pom);
        assertThat(m.find()).as("sextant.jvm.flags in the parent pom").isTrue();
        List<String> expected = new ArrayList<>();
        expected.add("java");
        expected.addAll(Arrays.asList(m.group(1).strip().split("\\s+")));
        expected.addAll(List.of("-jar", "/opt/sextant/sextant.jar"));
        assertThat(entrypoint).containsExactlyElementsOf(expected);
    }

    @Test
    void defaultArgumentsAreThoseOfPrometheusImage() {
        List<String> cmd = jsonArray(stages().get(1).last("CMD").args);
        assertThat(cmd).containsExactly("--config.file=/etc/sextant/prometheus.yml", "--storage.tsdb.path=/prometheus");
        assertThat(stages().get(1).all("COPY")).anySatisfy(copy -> assertThat(copy.args)
                .isEqualTo("deploy/docker/prometheus.yml /etc/sextant/prometheus.yml"));
        var config = RepoFiles.yaml(RepoFiles.path("deploy/docker/prometheus.yml"));
        assertThat(config.path("scrape_configs").size()).isPositive();
        config.path("scrape_configs").forEach(job -> assertThat(job.has("static_configs")).isTrue());
    }

    @Test
    void dockerignoreKeepsWhatTheBuildNeeds() {
        List<String> patterns = RepoFiles.read(RepoFiles.path("deploy/docker/Dockerfile.dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(patterns).contains("**/target/", ".git/");
        for (String needed : List.of("mvnw", ".mvn/", "pom.xml", "api/", "tsdb/", "promql/", "scrape/", "deploy/docker/")) {
            assertThat(patterns).as("context must keep " + needed)
                    .noneMatch(p -> needed.startsWith(p.replace("**/", "")) || p.equals("*"));
        }
    }

    @Test
    void parserHandlesContinuationsAndComments() {
        List<Instruction> parsed = parse("# c\nFROM a AS b\nRUN x \\\n  && y\n\nCMD [\"z\"]\n");
        assertThat(parsed).containsExactly(
                new Instruction("FROM", "a AS b"), new Instruction("RUN", "x && y"), new Instruction("CMD", "[\"z\"]"));
    }
}
