package dev.sextant.tsdb.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WalReader} on a thread of its own: it reads, checks and uncompresses records ahead of the
 * consumer and hands them over in batches, so that on a multi-core machine reading the WAL
 * (page reads, CRC32C, Snappy: about half of start-up's replay CPU) overlaps with decoding and
 * applying the records. Records, their order, their positions and the corruption at the end are
 * exactly the wrapped reader's.
 *
 * <p>Thread-safety: the consumer side is not thread-safe (one replaying thread). {@link #close()}
 * stops the reading thread and closes the files.
 */
public final class PrefetchingWalReader implements WalRecords {
    private static final int BATCH_RECORDS = 256;
    private static final int BATCH_BYTES = 1 << 20;
    private static final int IN_FLIGHT = 4;

    private static final class Batch {
        byte[][] recs = new byte[BATCH_RECORDS][];
        final int[] lens = new int[BATCH_RECORDS];
        final int[] segs = new int[BATCH_RECORDS];
        final long[] offs = new long[BATCH_RECORDS];
        int n;
        /** Set on the last batch. */
        boolean end;
        WalCorruptionException corruption;
        Throwable failure;

        Batch() {
            for (int i = 0; i < recs.length; i++) {
                recs[i] = new byte[4096];
            }
        }
    }

    private final WalReader reader;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private final Thread thread;
    private volatile boolean stop;
    private Batch cur;
    private int idx;
    private WalCorruptionException corruption;
    private boolean done;

    public PrefetchingWalReader(Path dir, List<Integer> segments) {
        this.reader = new WalReader(dir, segments);
        for (int i = 0; i < IN_FLIGHT; i++) {
            free.add(new Batch());
        }
        thread = new Thread(this::produce, "wal-read");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce() {
        Batch b = null;
        try {
            while (!stop) {
                b = takeFree();
                if (b == null) {
                    return;
                }
                b.n = 0;
                b.end = false;
                int bytes = 0;
                while (b.n < BATCH_RECORDS && bytes < BATCH_BYTES) {
                    if (!reader.next()) {
                        b.end = true;
                        b.corruption = reader.corruption();
                        break;
                    }
                    int len = reader.recordLength();
                    if (b.recs[b.n].length < len) {
                        b.recs[b.n] = new byte[Math.max(len, b.recs[b.n].length * 2)];
                    }
                    System.arraycopy(reader.record(), 0, b.recs[b.n], 0, len);
                    b.lens[b.n] = len;
                    b.segs[b.n] = reader.recordSegment();
                    b.offs[b.n] = reader.recordOffset();
                    b.n++;
                    bytes += len;
                }
                Batch handed = b;
                b = null;
                if (!putFull(handed) || handed.end) {
                    return;
                }
            }
        } catch (Throwable e) {
            if (b == null) {
                b = takeFree();
                if (b == null) {
                    return;
                }
                b.n = 0;
            }
            b.end = true;
            b.failure = e;
            putFull(b);
        }
    }

    private Batch takeFree() {
        try {
            while (!stop) {
                Batch b = free.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    return b;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private boolean putFull(Batch b) {
        try {
            while (!stop) {
                if (full.offer(b, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean next() throws IOException {
        while (true) {
            if (cur != null && idx + 1 < cur.n) {
                idx++;
                return true;
            }
            if (done) {
                return false;
            }
            if (cur != null) {
                if (cur.end) {
                    return finish(cur);
                }
                free.add(cur);
                cur = null;
            }
            Batch b;
            try {
                b = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the WAL", e);
            }
            cur = b;
            idx = -1;
        }
    }

    private boolean finish(Batch b) throws IOException {
        done = true;
        corruption = b.corruption;
        Throwable f = b.failure;
        if (f != null) {
            if (f instanceof IOException e) {
                throw e;
            }
            if (f instanceof UncheckedIOException e) {
                throw e;
            }
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IOException(f);
        }
        return false;
    }

    @Override
    public byte[] record() {
        return cur.recs[idx];
    }

    @Override
    public int recordLength() {
        return cur.lens[idx];
    }

    @Override
    public int recordSegment() {
        return cur.segs[idx];
    }

    @Override
    public long recordOffset() {
        return cur.offs[idx];
    }

    @Override
    public WalCorruptionException corruption() {
        return corruption;
    }

    @Override
    public void close() throws IOException {
        stop = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
