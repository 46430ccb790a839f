package dev.sextant.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Builds deploy/docker/Dockerfile for real and runs the image the way a cluster runs it. There is
 * no Docker engine and no registry here, so deploy/docker/image-test.sh builds local Java 17 base
 * images (debootstrap + jlink) and podman builds the Dockerfile with them as its BUILD_IMAGE and
 * RUNTIME_IMAGE arguments; both stages run, the first one with the Maven wrapper. Needs root,
 * podman, runc and debootstrap (.ci/run installs them); fails when any is missing.
 */
@Tag("interop")
class ImageInteropTest {

    static final Path SCRIPT = RepoFiles.path("deploy/docker/image-test.sh");
    static final Path WORK = RepoFiles.path("deploy/target/image-test");
    static final String IMAGE = "localhost/sextant:image-test";
    static final int NOBODY = 65534;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final List<String> containers = new ArrayList<>();

    @AfterEach
    void removeContainers() throws Exception {
        for (String name : containers) {
            podman("rm", "-f", "-t", "2", name);
        }
        // Leaves no mount behind under deploy/target, so `mvn clean` can delete it.
        Result release = run(List.of(SCRIPT.toString(), "release", WORK.toString()), null, 1);
        assertThat(release.exit).as(release.output).isZero();
    }

    @Test
    void imageBuildsAndRunsAsNobodyOnAReadOnlyRootWithDataOnTheVolume() throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(WORK);
        Path buildLog = WORK.resolve("build.log");
        Result build = run(List.of(SCRIPT.toString(), "build", WORK.toString()), buildLog, 20);
        assertThat(build.exit).as("image-test.sh build failed; end of %s:%n%s", buildLog, build.tail()).isZero();
        long built = System.nanoTime();

        // What the Dockerfile promises, as the built image records it.
        JsonNode config = json(podman("image", "inspect", IMAGE)).get(0).path("Config");
        assertThat(config.path("User").asText()).isEqualTo(NOBODY + ":" + NOBODY);
        assertThat(config.path("ExposedPorts").has("9090/tcp")).isTrue();
        assertThat(config.path("Volumes").has("/prometheus")).isTrue();
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/prometheus");
        assertThat(strings(config.path("Cmd")))
                .containsExactly("--config.file=/etc/sextant/prometheus.yml", "--storage.tsdb.path=/prometheus");

        // A host directory as the data volume, owned by the image's user as a pod's fsGroup would make it.
        Path data = WORK.resolve("data");
        deleteTree(data);
        Files.createDirectories(data);
        Files.setAttribute(data, "unix:uid", NOBODY);
        Files.setAttribute(data, "unix:gid", NOBODY);

        // No --user: the image's own USER is what is checked.
        int port = freePort();
        String first = start(data, port);
        awaitReady(port);
        JsonNode up = awaitUp(port);
        assertThat(up.path("metric").path("instance").asText()).isEqualTo("localhost:9090");

        Result status = podman("exec", first, "cat", "/proc/1/status");
        assertThat(status.exit).as(status.output).isZero();
        assertThat(status.output).containsPattern("(?m)^Uid:\\s+65534\\s+65534\\s+65534\\s+65534$")
                .containsPattern("(?m)^Gid:\\s+65534\\s+65534\\s+65534\\s+65534$");
        Result cmdline = podman("exec", first, "cat", "/proc/1/cmdline");
        assertThat(cmdline.output.split("\0")).startsWith("java").contains("-jar", "/opt/sextant/sextant.jar");

        assertThat(json(podman("container", "inspect", first)).get(0).path("HostConfig").path("ReadonlyRootfs")
                .asBoolean()).as("ReadonlyRootfs").isTrue();
        for (String path : List.of("/probe", "/opt/sextant/probe", "/etc/sextant/probe")) {
            Result write = podman("exec", first, "touch", path);
            assertThat(write.exit).as("writing %s must fail: %s", path, write.output).isNotZero();
            assertThat(write.output).contains("Read-only file system");
        }
        Result dataWrite = podman("exec", first, "sh", "-c", "touch /prometheus/probe && rm /prometheus/probe");
        assertThat(dataWrite.exit).as(dataWrite.output).isZero();

        // The server's files land on the volume, owned by nobody.
        assertThat(data.resolve("wal")).isDirectory();
        assertThat(Files.getAttribute(data.resolve("wal"), "unix:uid")).isEqualTo(NOBODY);

        Result stop = podman("stop", "-t", "30", first);
        assertThat(stop.exit).as(stop.output).isZero();
        assertThat(podman("logs", first).output).contains("See you next time!");

        // A new container on the same volume replays the first one's WAL: evaluated at the time of the
        // sample found above (before the second container scraped anything), `up` is still there.
        String sampleTime = up.path("value").get(0).asText();
        int port2 = freePort();
        String second = start(data, port2);
        awaitReady(port2);
        JsonNode replayed = query(port2, "up{job=\"sextant\"}", sampleTime);
        assertThat(replayed.path("data").path("result")).as(replayed.toString()).hasSize(1);
        assertThat(replayed.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("1");

        for (String name : List.of(first, second)) {
            Result rm = podman("rm", "-f", "-t", "30", name);
            assertThat(rm.exit).as(rm.output).isZero();
        }
        assertThat(podman("ps", "-a", "--format", "{{.Names}}").output).doesNotContain(first).doesNotContain(second);
        long done = System.nanoTime();
        System.out.printf("image-test: build %d s, run checks %d s, total %d s%n",
                TimeUnit.NANOSECONDS.toSeconds(built - started), TimeUnit.NANOSECONDS.toSeconds(done - built),
                TimeUnit.NANOSECONDS.toSeconds(done - started));
    }

    String start(Path data, int port) throws Exception {
        String name = "sextant-image-test-" + ProcessHandle.current().pid() + "-" + containers.size();
        containers.add(name);
        Result run = podman("run", "-d", "--name", name, "--read-only",
                "-v", data + ":/prometheus", "-p", "127.0.0.1:" + port + ":9090", IMAGE);
        assertThat(run.exit).as(run.output).isZero();
        return name;
    }

    void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    assertThat(r.body()).contains("Ready");
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("/-/ready not 200 within 120 s: " + last + "\n" + logs());
    }

    /** Waits for the image's default config (self-scrape every 30s) to record up == 1. */
    JsonNode awaitUp(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = query(port, "up", null);
            assertThat(last.path("status").asText()).as(last.toString()).isEqualTo("success");
            for (JsonNode sample : last.path("data").path("result")) {
                if (sample.path("metric").path("job").asText().equals("sextant")
                        && sample.path("value").get(1).asText().equals("1")) {
                    return sample;
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("up{job=\"sextant\"} never 1 within 90 s: " + last + "\n" + logs());
    }

    JsonNode query(int port, String promql, String time) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + (time == null ? "" : "&time=" + time));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return RepoFiles.JSON.readTree(r.body());
    }

    String logs() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String name : containers) {
            out.append("--- podman logs ").append(name).append('\n').append(podman("logs", name).output);
        }
        return out.toString();
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode json(Result result) throws IOException {
        assertThat(result.exit).as(result.output).isZero();
        return RepoFiles.JSON.readTree(result.output);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    record Result(int exit, String output) {
        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
        }
    }

    static Result podman(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), "podman", WORK.toString()));
        command.addAll(List.of(args));
        return run(command, null, 2);
    }

    /** Runs a command to completion; its output also goes to {@code log} when given. */
    static Result run(List<String> command, Path log, int timeoutMinutes) throws Exception {
        Path out = log != null ? log : Files.createTempFile("image-test", ".out");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish within " + timeoutMinutes + " min; output in " + out);
        }
        String output = Files.readString(out);
        if (log == null) {
            Files.delete(out);
        }
        return new Result(process.exitValue(), output);
    }
}
