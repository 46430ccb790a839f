package dev.sextant.api.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real peers that interop tests run; a missing one fails the test, never skips it. */
final class ExternalBinary {
    private ExternalBinary() {}

    static Path require(String name) {
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(name + " is not installed: interop tests need Debian's package for it "
                + "(apt-get install prometheus prometheus-alertmanager prometheus-node-exporter victoria-metrics)");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
