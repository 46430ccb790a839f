package dev.sextant.promql.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for tests that run Debian's Prometheus binaries; a missing binary fails the test. */
final class InteropSupport {
    private InteropSupport() {}

    record Run(int exitCode, String output) {}

    static Path binary(String name) {
        Path p = Path.of("/usr/bin", name);
        assertThat(Files.isExecutable(p)).as("interop binary %s must be installed (Debian package)", p).isTrue();
        return p;
    }

    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
