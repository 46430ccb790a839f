package dev.sextant.tsdb.head;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Applies WAL samples to their series on worker threads during replay, so that decoding the WAL
 * (one thread: it reads, uncompresses and decodes records in order and creates series) and
 * resolving refs, skipping samples that loaded head chunks hold and re-encoding the others into
 * chunks run side by side. Each worker resolves refs in a map of its own (no locks, and the
 * random memory accesses of 100M lookups are spread over the workers).
 *
 * <p>Every series ref always goes to the same worker, and each worker's queue is FIFO, so a series
 * is {@linkplain #register registered} with its worker before its samples arrive there and its
 * samples are appended in WAL order, as a sequential replay would. Series objects and samples
 * reach a worker through its queue (a happens-before edge), and {@link #drain} waits until every
 * worker has applied everything handed over so far: the replay calls it before a tombstone record
 * and at the end.
 *
 * <p>A worker that fails keeps consuming (without applying) so the reader never blocks; the failure
 * is rethrown by {@link #drain}.
 *
 * <p>Thread-safety: {@link #add}, {@link #drain} and {@link #close} are called by one thread, the
 * replaying one.
 */
final class ReplayShards implements AutoCloseable {
    static final int BATCH = 4096;
    private static final int IN_FLIGHT = 4;

    interface Applier {
        /**
         * Appends one sample; returns 1 plus the number of chunks it started when appended, 0 when
         * dropped, {@link #SKIPPED} when a loaded head chunk holds it already.
         */
        int apply(MemSeries s, long t, long bits);
    }

    static final int SKIPPED = -1;

    private static final Buf POISON = new Buf(0);
    private static final Buf SYNC = new Buf(0);

    private final Worker[] workers;
    private final Applier applier;

    ReplayShards(int threads, Applier applier) {
        this.applier = applier;
        this.workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /** Worker count for this machine: one per available processor, at most 8; 0 means replay inline. */
    static int defaultThreads() {
        int n = Math.min(8, Runtime.getRuntime().availableProcessors());
        return n <= 1 ? 0 : n;
    }

    private Worker worker(long ref) {
        long h = ref * 0x9E3779B97F4A7C15L;
        return workers[(int) (((h >>> 32) * workers.length) >>> 32)];
    }

    /** Makes {@code s} known under its ref to the worker that gets its samples. */
    void register(MemSeries s) {
        Worker w = worker(s.ref);
        Buf b = w.filling;
        b.series[b.n] = s;
        b.refs[b.n] = s.ref;
        if (++b.n == BATCH) {
            w.handOver();
        }
    }

    /** Queues a sample of the series registered under {@code ref} (samples of unknown refs are counted, then dropped). */
    void add(long ref, long t, long bits) {
        Worker w = worker(ref);
        Buf b = w.filling;
        b.refs[b.n] = ref;
        b.ts[b.n] = t;
        b.bits[b.n] = bits;
        if (++b.n == BATCH) {
            w.handOver();
        }
    }

    /** Waits until every sample added so far is applied; rethrows a worker's failure. */
    void drain() {
        for (Worker w : workers) {
            if (w.filling.n > 0) {
                w.handOver();
            }
            put(w.in, SYNC);
        }
        for (Worker w : workers) {
            w.synced.acquireUninterruptibly();
        }
        for (Worker w : workers) {
            if (w.failure != null) {
                if (w.failure instanceof RuntimeException r) {
                    throw r;
                }
                if (w.failure instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(w.failure);
            }
        }
    }

    /** Samples appended (not dropped) by all workers so far. */
    long appended() {
        long n = 0;
        for (Worker w : workers) {
            n += w.appended;
        }
        return n;
    }

    /** Samples skipped because a loaded head chunk held them, by all workers so far. */
    long skipped() {
        long n = 0;
        for (Worker w : workers) {
            n += w.skipped;
        }
        return n;
    }

    /** Samples of refs no series was registered under, by all workers so far. */
    long unknown() {
        long n = 0;
        for (Worker w : workers) {
            n += w.unknown;
        }
        return n;
    }

    /** Chunks started by all workers so far. */
    long newChunks() {
        long n = 0;
        for (Worker w : workers) {
            n += w.newChunks;
        }
        return n;
    }

    long minTime() {
        long t = Long.MAX_VALUE;
        for (Worker w : workers) {
            t = Math.min(t, w.lo);
        }
        return t;
    }

    long maxTime() {
        long t = Long.MIN_VALUE;
        for (Worker w : workers) {
            t = Math.max(t, w.hi);
        }
        return t;
    }

    /** Stops the workers (without draining: call {@link #drain} first to apply everything). */
    @Override
    public void close() {
        for (Worker w : workers) {
            put(w.in, POISON);
        }
        for (Worker w : workers) {
            boolean interrupted = false;
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> void put(BlockingQueue<T> q, T v) {
        boolean interrupted = false;
        while (true) {
            try {
                q.put(v);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T take(BlockingQueue<T> q) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return q.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A batch of entries: a registration where {@code series[i]} is set, else a sample. */
    private static final class Buf {
        final MemSeries[] series;
        final long[] refs;
        final long[] ts;
        final long[] bits;
        int n;

        Buf(int size) {
            series = new MemSeries[size];
            refs = new long[size];
            ts = new long[size];
            bits = new long[size];
        }
    }

    private final class Worker extends Thread {
        final BlockingQueue<Buf> in = new ArrayBlockingQueue<>(IN_FLIGHT + 2);
        final BlockingQueue<Buf> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
        final Semaphore synced = new Semaphore(0);
        Buf filling = new Buf(BATCH);
        // Written by the worker, read by the replaying thread after a drain (the semaphore orders them).
        long appended;
        long newChunks;
        long skipped;
        long unknown;
        /** Series by ref, for this worker's refs only; touched by the worker thread alone. */
        final LongObjectMap<MemSeries> byRef = new LongObjectMap<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        volatile Throwable failure;

        Worker(int i) {
            super("wal-replay-" + i);
            setDaemon(true);
            for (int k = 0; k < IN_FLIGHT; k++) {
                free.add(new Buf(BATCH));
            }
        }

        /** Replaying thread: queues the filling buffer and takes a free one (waits while all are in flight). */
        void handOver() {
            put(in, filling);
            filling = take(free);
        }

        @Override
        public void run() {
            while (true) {
                Buf b = take(in);
                if (b == POISON) {
                    return;
                }
                if (b == SYNC) {
                    synced.release();
                    continue;
                }
                if (failure == null) {
                    try {
                        apply(b);
                    } catch (Throwable e) {
                        failure = e;
                    }
                }
                java.util.Arrays.fill(b.series, 0, b.n, null);
                b.n = 0;
                put(free, b);
            }
        }

        private void apply(Buf b) {
            for (int i = 0; i < b.n; i++) {
                MemSeries s = b.series[i];
                if (s != null) {
                    byRef.put(b.refs[i], s);
                    continue;
                }
                s = byRef.get(b.refs[i]);
                if (s == null) {
                    unknown++;
                    continue;
                }
                int r = applier.apply(s, b.ts[i], b.bits[i]);
                if (r == SKIPPED) {
                    skipped++;
                } else if (r > 0) {
                    appended++;
                    newChunks += r - 1;
                    long t = b.ts[i];
                    if (t < lo) {
                        lo = t;
                    }
                    if (t > hi) {
                        hi = t;
                    }
                }
            }
        }
    }
}
