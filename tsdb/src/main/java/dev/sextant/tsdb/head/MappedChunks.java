package dev.sextant.tsdb.head;

import java.util.Arrays;

/**
 * The full chunks of one series found in {@code chunks_head} on open, oldest first: handles with
 * their time spans, in the arrays {@link MemSeries} keeps (so attaching them copies nothing).
 *
 * <p>Thread-safety: not thread-safe; built by {@link HeadChunkFiles} on open and handed to the
 * replaying thread once.
 */
final class MappedChunks {
    long[] handles = new long[4];
    long[] mints = new long[4];
    long[] maxts = new long[4];
    int n;

    void add(long handle, long mint, long maxt) {
        if (n == handles.length) {
            int m = n * 2;
            handles = Arrays.copyOf(handles, m);
            mints = Arrays.copyOf(mints, m);
            maxts = Arrays.copyOf(maxts, m);
        }
        handles[n] = handle;
        mints[n] = mint;
        maxts[n] = maxt;
        n++;
    }

    long lastMaxT() {
        return maxts[n - 1];
    }
}
