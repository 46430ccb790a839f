package dev.sextant.api.remote.send;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of one {@code remote_write} queue: shards, per-shard staging of samples read from
 * one WAL record, shard scaling, and the bookkeeping that tells the WAL watcher which read position
 * is safe to persist (every sample read before it has been sent or permanently failed).
 *
 * <p>Thread-safety: {@link #append}, {@link #flush}, {@link #maybeReshard} and the mark methods are
 * called by the WAL watcher thread only; the counters updated by shards are atomic.
 */
final class QueueManager {
    private static final Logger log = LoggerFactory.getLogger(QueueManager.class);

    private final RemoteWriteConfig config;
    private final RemoteWriteMetrics.Queue metrics;
    private final HttpSender sender;
    private final ShardScaler scaler = new ShardScaler();
    private volatile Shard[] shards;
    private volatile int desiredShards;
    private long lastScaleMillis = System.currentTimeMillis();
    private volatile long lastRetryLogMillis;
    private volatile long lastFailureMillis;

    // Staging, one lane per shard: filled per sample, handed to the shard in bulk.
    private SendSeries[][] stageSeries;
    private long[][] stageT;
    private double[][] stageV;
    private int[] stageLen;
    private final int stageCapacity;

    private final AtomicLong out = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();
    private final AtomicLong highestSentMillis = new AtomicLong(Long.MIN_VALUE);
    private long in;
    private long droppedCount;

    /** A read position and how many samples each shard had been given when it was reached. */
    private record Mark(int segment, long offset, long[] enqueued) {}

    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private int safeSegment = -1;
    private long safeOffset;

    QueueManager(RemoteWriteConfig config, RemoteWriteMetrics.Queue metrics) throws IOException {
        this.config = config;
        this.metrics = metrics;
        this.sender = new HttpSender(config);
        this.stageCapacity = Math.min(config.queue().maxSamplesPerSend(), config.queue().capacity());
        startShards(config.queue().minShards());
        desiredShards = shards.length;
    }

    String name() {
        return config.name();
    }

    RemoteWriteConfig config() {
        return config;
    }

    HttpSender sender() {
        return sender;
    }

    int shardCount() {
        return shards.length;
    }

    private void startShards(int n) {
        Shard[] s = new Shard[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Shard(this, i, config.queue(), config.protocol());
        }
        stageSeries = new SendSeries[n][stageCapacity];
        stageT = new long[n][stageCapacity];
        stageV = new double[n][stageCapacity];
        stageLen = new int[n];
        shards = s;
        for (Shard shard : s) {
            shard.start(config.name());
        }
        metrics.shardCount.set(n);
    }

    // ---- called by shards ----

    void sent(int n, int bytes, long maxT) {
        out.addAndGet(n);
        metrics.sent.inc(n);
        metrics.bytes.inc(bytes);
        long prev;
        while (maxT > (prev = highestSentMillis.get())) {
            if (highestSentMillis.compareAndSet(prev, maxT)) {
                metrics.highestSentSeconds.set(maxT / 1000.0);
                break;
            }
        }
    }

    void failed(int n) {
        out.addAndGet(n);
        metrics.failed.inc(n);
        lastFailureMillis = System.currentTimeMillis();
    }

    void retried(int n) {
        metrics.retried.inc(n);
        lastFailureMillis = System.currentTimeMillis();
    }

    void observeSend(long nanos) {
        sendNanos.addAndGet(nanos);
        metrics.duration.observe(nanos / 1e9);
    }

    /** Logs a recoverable failure at most every 10 s per queue (an outage would otherwise flood the log). */
    void logRetry(String message, long backoffMs) {
        long now = System.currentTimeMillis();
        if (now - lastRetryLogMillis >= 10_000) {
            lastRetryLogMillis = now;
            log.warn("msg=\"Failed to send batch, retrying\" remote_name={} url={} backoff={}ms err=\"{}\"",
                    config.name(), config.url(), backoffMs, message);
        }
    }

    // ---- called by the WAL watcher ----

    long highestSentMillis() {
        return highestSentMillis.get();
    }

    /** Counts samples read from the WAL for this queue (once per record, not per sample). */
    void samplesIn(int n) {
        metrics.in.inc(n);
    }

    void dropped(int n) {
        droppedCount += n;
        metrics.dropped.inc(n);
    }

    /**
     * Stages one sample for its series' shard; hands the lane over when it is full.
     *
     * @return false when the queue is stopping and the sample could not be handed over
     */
    boolean append(SendSeries s, long t, double v, StopCheck stop) throws InterruptedException {
        int i = (s.hash & 0x7FFFFFFF) % stageLen.length;
        int n = stageLen[i];
        stageSeries[i][n] = s;
        stageT[i][n] = t;
        stageV[i][n] = v;
        stageLen[i] = n + 1;
        in++;
        if (n + 1 == stageCapacity) {
            return flushLane(i, stop);
        }
        return true;
    }

    /** Hands every staged sample to its shard (at the end of each WAL record). */
    boolean flush(StopCheck stop) throws InterruptedException {
        for (int i = 0; i < stageLen.length; i++) {
            if (stageLen[i] > 0 && !flushLane(i, stop)) {
                return false;
            }
        }
        return true;
    }

    private boolean flushLane(int i, StopCheck stop) throws InterruptedException {
        Shard shard = shards[i];
        int n = stageLen[i];
        int off = 0;
        boolean waited = false;
        while (off < n) {
            int took = shard.offer(stageSeries[i], stageT[i], stageV[i], off, n - off, 100_000_000L);
            off += took;
            if (off < n) {
                if (!waited) {
                    metrics.enqueueRetry.inc();
                    waited = true;
                }
                if (stop.stopping()) {
                    // Keep what was not handed over staged; it is re-read from the WAL after a restart.
                    System.arraycopy(stageSeries[i], off, stageSeries[i], 0, n - off);
                    System.arraycopy(stageT[i], off, stageT[i], 0, n - off);
                    System.arraycopy(stageV[i], off, stageV[i], 0, n - off);
                    stageLen[i] = n - off;
                    return false;
                }
                stop.housekeeping();
            }
        }
        java.util.Arrays.fill(stageSeries[i], 0, n, null);
        stageLen[i] = 0;
        return true;
    }

    /** Periodic work from the watcher: pending gauge and, every 10 s, the shard calculation. */
    void tick(double highestInSeconds) {
        long pending = 0;
        for (Shard s : shards) {
            pending += s.pending();
        }
        for (int n : stageLen) {
            pending += n;
        }
        metrics.pending.set(pending);
        long now = System.currentTimeMillis();
        if (now - lastScaleMillis >= ShardScaler.UPDATE_MILLIS) {
            lastScaleMillis = now;
            long hs = highestSentMillis.get();
            int d = scaler.tick(shards.length, config.queue().minShards(), config.queue().maxShards(), in, out.get(),
                    droppedCount, sendNanos.get(), highestInSeconds, hs == Long.MIN_VALUE ? 0 : hs / 1000.0);
            // Like Prometheus, do not reshard right after failures: the rates say nothing then.
            if (now - lastFailureMillis < 2 * config.queue().batchSendDeadlineMs()) {
                d = shards.length;
            }
            desiredShards = d;
            metrics.desired.set(d);
        }
    }

    /**
     * At a record boundary (everything staged handed over): if the calculation wants another shard
     * count, lets the current shards send what they hold, then starts the new ones. Reading waits
     * meanwhile; the WAL is the buffer.
     *
     * @return false if the queue stopped before the old shards drained
     */
    boolean maybeReshard(StopCheck stop, int segment, long offset) throws InterruptedException {
        int d = desiredShards;
        if (d == shards.length) {
            return true;
        }
        log.info("msg=\"Remote storage resharding\" remote_name={} from={} to={}", config.name(), shards.length, d);
        Shard[] old = shards;
        for (Shard s : old) {
            s.close();
        }
        for (Shard s : old) {
            while (!s.join(100)) {
                if (stop.stopping()) {
                    return false;
                }
                stop.housekeeping();
            }
        }
        // Everything read so far is sent: the current position is safe.
        marks.clear();
        setSafe(segment, offset);
        startShards(d);
        return true;
    }

    // ---- progress marks ----

    /** Records that everything read before ({@code segment}, {@code offset}) has been handed to shards. */
    void mark(int segment, long offset) {
        Shard[] s = shards;
        long[] e = new long[s.length];
        boolean all = true;
        for (int i = 0; i < s.length; i++) {
            e[i] = s[i].enqueued();
            all &= s[i].done() >= e[i];
        }
        if (all && marks.isEmpty()) {
            setSafe(segment, offset);
            return;
        }
        marks.addLast(new Mark(segment, offset, e));
        if (marks.size() > 10_000) {
            marks.removeFirst(); // bounded; the safe position then lags a little more
        }
    }

    /** Advances the safe position past every mark whose samples are all done. */
    void advanceSafe() {
        Shard[] s = shards;
        while (!marks.isEmpty()) {
            Mark m = marks.peekFirst();
            if (m.enqueued().length != s.length) {
                marks.clear();
                return;
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i].done() < m.enqueued()[i]) {
                    return;
                }
            }
            marks.removeFirst();
            setSafe(m.segment(), m.offset());
        }
    }

    private void setSafe(int segment, long offset) {
        if (segment > safeSegment || (segment == safeSegment && offset > safeOffset)) {
            safeSegment = segment;
            safeOffset = offset;
        }
    }

    int safeSegment() {
        return safeSegment;
    }

    long safeOffset() {
        return safeOffset;
    }

    /**
     * Stops the shards: they send what they hold for up to {@code flushMillis}, then give up (what
     * they did not send is read from the WAL again after a restart).
     */
    void stop(long flushMillis) throws InterruptedException {
        Shard[] s = shards;
        for (Shard shard : s) {
            shard.close();
        }
        long deadline = System.currentTimeMillis() + flushMillis;
        for (Shard shard : s) {
            if (!shard.join(deadline - System.currentTimeMillis())) {
                shard.abort();
            }
        }
        for (Shard shard : s) {
            shard.join(5_000);
        }
        advanceSafe();
        sender.close();
    }

    /** Lets a blocked watcher notice shutdown and keep its bookkeeping going while it waits. */
    interface StopCheck {
        boolean stopping();

        void housekeeping();
    }
}
