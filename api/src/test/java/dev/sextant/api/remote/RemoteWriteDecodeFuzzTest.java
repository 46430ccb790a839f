package dev.sextant.api.remote;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Any request body yields a decoded WriteRequest or an {@link IOException} (answered 400): never
 * another exception, a hang or an out-of-memory. Seeds run under plain Surefire; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class RemoteWriteDecodeFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] body) {
        if (body == null) {
            return;
        }
        try {
            RemoteWriteHandler.decode(body);
        } catch (IOException expected) {
            // the documented error
        }
    }
}
