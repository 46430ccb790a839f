package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Startup failures of the real binary (a child JVM): each exits non-zero with exactly one line,
 * {@code sextant: error: ...}, naming the cause, and no stack trace.
 */
class StartupErrorsTest {
    @TempDir
    Path dir;

    static void assertOneLineError(ServerProcess.Exit exit, String... fragments) {
        assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isNotZero();
        List<String> errors = exit.output().lines().filter(l -> l.contains("error")).toList();
        assertThat(errors).as("error lines in:%n%s", exit.output()).hasSize(1);
        assertThat(errors.get(0)).startsWith("sextant: error: ").contains(fragments);
        assertThat(exit.output()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }

    @Test
    void dataPathIsARegularFile() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertOneLineError(ServerProcess.runToExit("--storage.tsdb.path=" + file, "--web.listen-address=127.0.0.1:0"),
                "opening storage", file.toString());
    }

    @Test
    void dataPathCannotBeCreated() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path under = file.resolve("data");
        assertOneLineError(ServerProcess.runToExit("--storage.tsdb.path=" + under, "--web.listen-address=127.0.0.1:0"),
                "opening storage", under.toString());
    }

    @Test
    void dataDirectoryLockedByAnotherServer() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess first = ServerProcess.start(data, dir.resolve("first.log")).awaitReady()) {
            assertOneLineError(ServerProcess.runToExit("--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:0"),
                    "opening storage", "lock");
            assertThat(first.process.isAlive()).isTrue();
        }
    }

    @Test
    void portAlreadyInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            assertOneLineError(ServerProcess.runToExit("--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=" + addr), "listen tcp " + addr);
        }
    }

    @Test
    void badFlagValue() throws Exception {
        ServerProcess.Exit exit = ServerProcess.runToExit("--query.timeout=soon");
        assertThat(exit.code()).isNotZero();
        assertThat(exit.output()).contains("not a valid duration: 'soon'").doesNotContain("\tat ");
    }
}
