package dev.sextant.api.remote.send;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sending lane of a queue: a bounded ring of samples (capacity {@code queue_config.capacity})
 * filled by the WAL watcher and drained by this shard's thread in batches of up to
 * {@code max_samples_per_send}, or fewer once {@code batch_send_deadline} passed since the oldest
 * waiting sample. Series are assigned to shards by hash, so each series' samples go out in order.
 *
 * <p>A batch is retried until it is sent, or dropped for a non-recoverable answer; only then is
 * it counted {@link #done()}. The watcher persists its WAL position once every sample read before
 * it is done, so an unsent batch is read again after a restart.
 *
 * <p>Thread-safety: {@link #offer} from the watcher thread; everything else from the shard thread
 * or under the ring's lock.
 */
final class Shard implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);

    private final QueueManager queue;
    private final int index;
    private final int capacity;
    private final int maxPerSend;
    private final long deadlineNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final SendSeries[] ringSeries;
    private final long[] ringT;
    private final double[] ringV;
    private int head;
    private int size;
    private long firstWaitingNanos;
    private long enqueued;
    private final AtomicLong done = new AtomicLong();
    /** Samples taken from the ring but not yet done (for the pending gauge). */
    private volatile int inFlight;
    private volatile boolean closing;
    private volatile boolean aborted;
    private Thread thread;

    // Owned by the shard thread.
    private final SendSeries[] batchSeries;
    private final long[] batchT;
    private final double[] batchV;
    private final WireEncoder encoder;

    Shard(QueueManager queue, int index, RemoteWriteConfig.QueueConfig q, int protocol) {
        this.queue = queue;
        this.index = index;
        this.capacity = q.capacity();
        this.maxPerSend = q.maxSamplesPerSend();
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(q.batchSendDeadlineMs());
        ringSeries = new SendSeries[capacity];
        ringT = new long[capacity];
        ringV = new double[capacity];
        batchSeries = new SendSeries[maxPerSend];
        batchT = new long[maxPerSend];
        batchV = new double[maxPerSend];
        encoder = new WireEncoder(protocol);
    }

    void start(String name) {
        thread = new Thread(this, "remote-write-" + name + "-shard-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Copies as many of {@code n} samples as fit, waiting up to {@code waitNanos} for room.
     *
     * @return how many were taken
     */
    int offer(SendSeries[] s, long[] t, double[] v, int off, int n, long waitNanos) throws InterruptedException {
        lock.lock();
        try {
            if (size == capacity && waitNanos > 0) {
                notFull.awaitNanos(waitNanos);
            }
            int take = Math.min(n, capacity - size);
            if (take == 0) {
                return 0;
            }
            if (size == 0) {
                firstWaitingNanos = System.nanoTime();
            }
            int tail = (head + size) % capacity;
            for (int i = 0; i < take; i++) {
                ringSeries[tail] = s[off + i];
                ringT[tail] = t[off + i];
                ringV[tail] = v[off + i];
                if (++tail == capacity) {
                    tail = 0;
                }
            }
            size += take;
            enqueued += take;
            if (size >= maxPerSend) {
                notEmpty.signal();
            }
            return take;
        } finally {
            lock.unlock();
        }
    }

    /** Samples ever offered to this shard (read under the lock for a consistent mark). */
    long enqueued() {
        lock.lock();
        try {
            return enqueued;
        } finally {
            lock.unlock();
        }
    }

    /** Samples sent or permanently failed; a prefix of {@link #enqueued()} in order. */
    long done() {
        return done.get();
    }

    int pending() {
        lock.lock();
        try {
            return size + inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** No more samples will come: send what is queued without waiting for the deadline, then stop. */
    void close() {
        closing = true;
        lock.lock();
        try {
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives up on unsent samples (they stay in the WAL; the persisted position is not past them). */
    void abort() {
        aborted = true;
        closing = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Waits for the shard thread to end. */
    boolean join(long millis) throws InterruptedException {
        if (thread == null) {
            return true;
        }
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    @Override
    public void run() {
        try {
            while (!aborted) {
                int n = take();
                if (n < 0) {
                    return;
                }
                if (n > 0) {
                    sendBatch(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves the next batch into the batch arrays; -1 when closed and empty. */
    private int take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (aborted) {
                    return -1;
                }
                if (size >= maxPerSend || (size > 0 && (closing
                        || System.nanoTime() - firstWaitingNanos >= deadlineNanos))) {
                    break;
                }
                if (size == 0) {
                    if (closing) {
                        return -1;
                    }
                    notEmpty.await(100, TimeUnit.MILLISECONDS);
                } else {
                    long left = deadlineNanos - (System.nanoTime() - firstWaitingNanos);
                    if (left > 0) {
                        notEmpty.awaitNanos(left);
                    }
                }
            }
            int n = Math.min(size, maxPerSend);
            for (int i = 0; i < n; i++) {
                batchSeries[i] = ringSeries[head];
                batchT[i] = ringT[head];
                batchV[i] = ringV[head];
                ringSeries[head] = null;
                if (++head == capacity) {
                    head = 0;
                }
            }
            size -= n;
            inFlight = n;
            if (size > 0) {
                firstWaitingNanos = System.nanoTime();
            }
            notFull.signal();
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void sendBatch(int n) throws InterruptedException {
        try {
            encoder.encode(batchSeries, batchT, batchV, n);
        } catch (java.io.IOException e) {
            log.error("msg=\"encoding remote write request failed, dropping samples\" remote_name={} err=\"{}\"",
                    queue.name(), e.getMessage());
            queue.failed(n);
            finish(n);
            return;
        }
        long backoff = queue.config().queue().minBackoffMs();
        while (!aborted) {
            long t0 = System.nanoTime();
            HttpSender.Result r = queue.sender().send(encoder.compressed(), encoder.compressedLength());
            long took = System.nanoTime() - t0;
            queue.observeSend(took);
            switch (r.outcome()) {
                case SENT -> {
                    long maxT = Long.MIN_VALUE;
                    for (int i = 0; i < n; i++) {
                        maxT = Math.max(maxT, batchT[i]);
                    }
                    queue.sent(n, encoder.compressedLength(), maxT);
                    finish(n);
                    return;
                }
                case DROP -> {
                    log.error("msg=\"non-recoverable error, dropping samples\" remote_name={} url={} count={} err=\"{}\"",
                            queue.name(), queue.config().url(), n, r.message());
                    queue.failed(n);
                    finish(n);
                    return;
                }
                default -> {
                    queue.retried(n);
                    long sleep = Math.max(backoff, r.retryAfterMs());
                    queue.logRetry(r.message(), sleep);
                    Thread.sleep(sleep);
                    backoff = Math.min(backoff * 2, queue.config().queue().maxBackoffMs());
                }
            }
        }
    }

    private void finish(int n) {
        for (int i = 0; i < n; i++) {
            batchSeries[i] = null;
        }
        inFlight = 0;
        done.addAndGet(n);
    }
}
