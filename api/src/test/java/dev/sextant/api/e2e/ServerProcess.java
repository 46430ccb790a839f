package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server as a child JVM (the test's class path, {@code dev.sextant.api.app.Main}) on a free
 * loopback port, for tests that kill it or starve it of disk. Output goes to {@code log}.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final int port;
    final HttpFixture http;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        this.http = new HttpFixture(port);
    }

    /** Starts the server on {@code data} with the remote-write receiver on plus {@code extraArgs}. */
    static ServerProcess start(Path data, Path log, String... extraArgs) throws IOException {
        int port = freePort();
        List<String> cmd = javaMain("--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver");
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ServerProcess(p, port);
    }

    private static List<String> javaMain(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.sextant.api.app.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** What a server run that is expected to exit printed (stdout and stderr together). */
    record Exit(int code, String output) {}

    /** Runs {@code Main} with {@code args} and waits (at most 60 s) for it to exit. */
    static Exit runToExit(String... args) throws Exception {
        Process p = new ProcessBuilder(javaMain(args)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("server did not exit; output:\n" + out);
        }
        return new Exit(p.exitValue(), out);
    }

    /** Waits (at most 60 s) for {@code /-/ready}; fails if the process dies first. */
    ServerProcess awaitReady() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("server process alive").isTrue();
            try {
                if (client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not become ready");
    }

    /** SIGKILL (no shutdown hook runs). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
