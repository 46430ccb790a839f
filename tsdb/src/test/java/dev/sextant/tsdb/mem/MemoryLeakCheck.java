package dev.sextant.tsdb.mem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension: fails a test that leaves off-heap bytes outstanding under any {@link MemoryTag}.
 * Use with {@code @ExtendWith(MemoryLeakCheck.class)}. Tests must not run in parallel with each
 * other (Surefire's default), since the counters are global.
 */
public final class MemoryLeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MemoryLeakCheck.class);

    @Override
    public void beforeEach(ExtensionContext ctx) {
        long[] base = new long[MemoryTag.values().length];
        for (MemoryTag t : MemoryTag.values()) {
            base[t.ordinal()] = t.outstandingBytes();
        }
        ctx.getStore(NS).put("base", base);
    }

    @Override
    public void afterEach(ExtensionContext ctx) {
        long[] base = ctx.getStore(NS).get("base", long[].class);
        for (MemoryTag t : MemoryTag.values()) {
            assertThat(t.outstandingBytes() - base[t.ordinal()])
                    .as("off-heap bytes leaked under tag %s", t)
                    .isZero();
        }
    }

    /** Asserts that nothing is outstanding under any tag right now. */
    public static void assertNoOutstanding() {
        for (MemoryTag t : MemoryTag.values()) {
            assertThat(t.outstandingBytes()).as("outstanding off-heap bytes for %s", t).isZero();
        }
    }
}
