package dev.sextant.api.remote.send;

import dev.sextant.scrape.relabel.Relabeler;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import dev.sextant.tsdb.wal.Checkpoint;
import dev.sextant.tsdb.wal.Records;
import dev.sextant.tsdb.wal.Wal;
import dev.sextant.tsdb.wal.WalReader;
import dev.sextant.tsdb.wal.WalTailer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one remote-write queue from the WAL: tails the segments as they are written, keeps the map
 * from WAL series refs to the labels it sends (after external labels and write relabeling), and
 * hands samples to the {@link QueueManager}.
 *
 * <p>Where it starts: the queue's progress file ({@code <data>/remote_write/<name>.progress}, the
 * segment and offset before which everything is sent) survives restarts. With one, reading resumes
 * there; if WAL truncation has since replaced that segment by a checkpoint, the checkpoint's samples
 * are sent too (they are all the WAL still holds of that range). Without one (a new queue), it
 * starts like Prometheus: series are learned from the checkpoint and the existing segments, and
 * only samples written from then on are sent. Series refs survive checkpoints the same way: the
 * checkpoint carries the series records of every live series.
 *
 * <p>Thread-safety: one thread per watcher; {@link #stop} from any thread.
 */
final class WalWatcher implements Runnable, QueueManager.StopCheck {
    private static final Logger log = LoggerFactory.getLogger(WalWatcher.class);
    private static final long POLL_MILLIS = 15;
    private static final long MARK_MILLIS = 200;
    private static final long PERSIST_MILLIS = 2_000;

    private final Path walDir;
    private final Path progressFile;
    private final Labels externalLabels;
    private final RemoteWriteConfig config;
    private final QueueManager queue;
    private final RemoteWriteMetrics.Queue metrics;
    private final LongSupplier highestInMillis;
    private final RefMap<SendSeries> series = new RefMap<>();
    private final Records.SeriesCursor cursor = new Records.SeriesCursor();
    private final Records.SampleBatch samples = new Records.SampleBatch();
    private final LabelsBuilder builder = new LabelsBuilder();
    private volatile boolean stopping;
    private Thread thread;
    private WalTailer tailer;
    /** Send samples of records starting at or after this position; segment -1 = not decided yet. */
    private volatile int sendFromSegment = -1;
    private volatile long sendFromOffset;
    /** The progress file's position read at {@link #start}, or null for a new queue. */
    private long[] progress;
    private boolean caughtUpLogged;
    private boolean sending;
    private int gcCheckpoint = -1;
    private long lastMark;
    private long lastPersist;
    private int persistedSegment = -1;
    private long persistedOffset = -1;

    WalWatcher(Path walDir, Path progressFile, Labels externalLabels, RemoteWriteConfig config, QueueManager queue,
            RemoteWriteMetrics.Queue metrics, LongSupplier highestInMillis) {
        this.walDir = walDir;
        this.progressFile = progressFile;
        this.externalLabels = externalLabels;
        this.config = config;
        this.queue = queue;
        this.metrics = metrics;
        this.highestInMillis = highestInMillis;
    }

    /**
     * Starts the watcher thread. A new queue's starting position is fixed here, on the caller's
     * thread, at the end of what the WAL holds now: a sample committed after {@code start} returns
     * (after a reload, say) is sent even if the thread has not yet read up to it.
     */
    void start() throws IOException {
        progress = readProgress();
        if (progress == null) {
            List<Integer> segs = Wal.segments(walDir);
            if (segs.isEmpty()) {
                sendFromSegment = 0;
                sendFromOffset = 0;
            } else {
                int last = segs.get(segs.size() - 1);
                sendFromSegment = last;
                sendFromOffset = java.nio.file.Files.size(walDir.resolve(Wal.segmentName(last)));
            }
        }
        thread = new Thread(this, "remote-write-" + config.name() + "-wal-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    private long lastHousekeeping;

    @Override
    public void housekeeping() {
        long now = System.currentTimeMillis();
        if (now - lastHousekeeping < 100) {
            return;
        }
        lastHousekeeping = now;
        queue.advanceSafe();
        long in = highestInMillis.getAsLong();
        queue.tick(in == Long.MIN_VALUE ? 0 : in / 1000.0);
        if (now - lastPersist >= PERSIST_MILLIS) {
            lastPersist = now;
            persist();
        }
    }

    /** Stops reading, lets shards flush for up to {@code flushMillis}, and persists the safe position. */
    void stop(long flushMillis) throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(10_000);
        }
        queue.stop(flushMillis);
        persist();
    }

    @Override
    public void run() {
        try {
            init();
            while (!stopping) {
                int segment = tailer.segment();
                long offset = tailer.offset();
                int r = tailer.next();
                if (r == WalTailer.RECORD) {
                    if (!sending && sendFromSegment >= 0 && atOrAfter(segment, offset, sendFromSegment, sendFromOffset)) {
                        sending = true;
                    }
                    if (!handle(tailer.record(), tailer.recordLength(), segment, sending)) {
                        break;
                    }
                    if (!queue.flush(this)) {
                        break;
                    }
                    afterRecord();
                } else if (r == WalTailer.WAIT) {
                    if (!caughtUpLogged) {
                        caughtUpLogged = true;
                        log.info("msg=\"Remote write queue caught up with the WAL, sending new samples\" remote_name={} segment={}",
                                config.name(), tailer.segment());
                    }
                    afterRecord();
                    Thread.sleep(POLL_MILLIS);
                } else if (r == WalTailer.SEGMENT_GONE) {
                    segmentGone();
                } else {
                    log.error("msg=\"WAL segment corrupt, skipping its rest\" remote_name={} err=\"{}\"", config.name(),
                            tailer.corruption().getMessage());
                }
                metrics.segment.set(tailer.segment());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.error("msg=\"Remote write WAL watcher failed\" remote_name={} err=\"{}\"", config.name(), e.toString(), e);
        } finally {
            try {
                if (tailer != null) {
                    tailer.close();
                }
            } catch (IOException ignored) {
                // closing a read-only channel
            }
        }
    }

    private void afterRecord() throws InterruptedException, IOException {
        long now = System.currentTimeMillis();
        if (now - lastMark >= MARK_MILLIS) {
            lastMark = now;
            queue.mark(tailer.segment(), tailer.offset());
        }
        housekeeping();
        if (segmentChanged()) {
            collectGarbage();
        }
        queue.maybeReshard(this, tailer.segment(), tailer.offset());
    }

    private int lastSegmentSeen = -1;

    private boolean segmentChanged() {
        if (tailer.segment() != lastSegmentSeen) {
            lastSegmentSeen = tailer.segment();
            return true;
        }
        return false;
    }

    static boolean atOrAfter(int seg, long off, int refSeg, long refOff) {
        return seg > refSeg || (seg == refSeg && off >= refOff);
    }

    private void init() throws IOException, InterruptedException {
        Checkpoint.Ref cp = Checkpoint.last(walDir);
        int start = 0;
        List<Integer> segs = Wal.segments(walDir);
        if (!segs.isEmpty()) {
            start = segs.get(0);
        }
        if (cp != null) {
            start = Math.max(start, cp.index() + 1);
        }
        if (progress != null) {
            persistedSegment = (int) progress[0];
            persistedOffset = progress[1];
            boolean covered = cp != null && progress[0] <= cp.index();
            readCheckpoint(cp, covered);
            if (covered) {
                log.warn("msg=\"Remote write position was truncated into a checkpoint; sending the checkpoint's samples\" remote_name={} segment={} checkpoint={}",
                        config.name(), progress[0], cp.index());
                sendFromSegment = start;
                sendFromOffset = 0;
            } else {
                sendFromSegment = (int) progress[0];
                sendFromOffset = progress[1];
            }
            log.info("msg=\"Remote write resuming from WAL position\" remote_name={} segment={} offset={}",
                    config.name(), sendFromSegment, sendFromOffset);
        } else {
            readCheckpoint(cp, false);
        }
        if (cp != null) {
            gcCheckpoint = cp.index();
        }
        tailer = new WalTailer(walDir, start);
    }

    /** Reads a checkpoint's series (and, when {@code send}, its samples). */
    private void readCheckpoint(Checkpoint.Ref cp, boolean send) throws IOException, InterruptedException {
        if (cp == null) {
            return;
        }
        try (WalReader r = new WalReader(cp.dir(), Wal.segments(cp.dir()))) {
            while (r.next() && !stopping) {
                handle(r.record(), r.recordLength(), cp.index(), send);
                if (send && !queue.flush(this)) {
                    return;
                }
            }
            if (r.corruption() != null) {
                log.error("msg=\"Corrupt WAL checkpoint\" remote_name={} err=\"{}\"", config.name(), r.corruption().getMessage());
            }
        }
    }

    /**
     * Our segment was deleted by WAL truncation before we read it all (the receiver was down for
     * longer than the WAL keeps data): continue with the checkpoint that replaced it.
     */
    private void segmentGone() throws IOException, InterruptedException {
        Checkpoint.Ref cp = Checkpoint.last(walDir);
        int next;
        if (cp != null && cp.index() >= tailer.segment()) {
            log.warn("msg=\"WAL segment removed before it was sent; continuing from checkpoint\" remote_name={} segment={} checkpoint={}",
                    config.name(), tailer.segment(), cp.dir().getFileName());
            readCheckpoint(cp, sending);
            gcCheckpoint = Math.max(gcCheckpoint, cp.index());
            next = cp.index() + 1;
        } else {
            next = tailer.segment() + 1;
            for (int s : Wal.segments(walDir)) {
                if (s > tailer.segment()) {
                    next = s;
                    break;
                }
            }
            log.warn("msg=\"WAL segment removed before it was sent\" remote_name={} segment={} next={}", config.name(),
                    tailer.segment(), next);
        }
        tailer.seek(next, 0);
    }

    /** Drops series refs that a newer checkpoint no longer carries (they left the head). */
    private void collectGarbage() throws IOException {
        Checkpoint.Ref cp = Checkpoint.last(walDir);
        if (cp == null || cp.index() <= gcCheckpoint || cp.index() >= tailer.segment()) {
            return;
        }
        RefMap<Boolean> live = new RefMap<>();
        try (WalReader r = new WalReader(cp.dir(), Wal.segments(cp.dir()))) {
            Records.SeriesCursor c = new Records.SeriesCursor();
            while (r.next()) {
                if (Records.type(r.record(), r.recordLength()) == Records.SERIES) {
                    c.reset(r.record(), r.recordLength());
                    while (c.next()) {
                        live.put(c.ref(), Boolean.TRUE);
                    }
                }
            }
        }
        int idx = cp.index();
        series.retain((ref, s) -> s.lastSegment > idx || live.get(ref) != null);
        gcCheckpoint = idx;
    }

    /** Handles one record; returns false when stopping interrupted handing samples over. */
    private boolean handle(byte[] rec, int len, int segment, boolean send) throws InterruptedException {
        switch (Records.type(rec, len)) {
            case Records.SERIES -> {
                // Known series (repeated in checkpoints and after restarts) are recognised by a hash
                // of their WAL bytes; only new ones are decoded.
                cursor.reset(rec, len);
                while (cursor.next()) {
                    long h = SendSeries.rawHash(rec, cursor.labelsStart(), cursor.labelsEnd());
                    SendSeries old = series.get(cursor.ref());
                    if (old != null && old.rawHash == h) {
                        old.lastSegment = segment;
                        continue;
                    }
                    series.put(cursor.ref(), sendSeries(h, segment));
                }
                if (cursor.error() != null) {
                    log.warn("msg=\"Undecodable series record in WAL\" remote_name={} err=\"{}\"", config.name(),
                            cursor.error());
                }
                return true;
            }
            case Records.SAMPLES, Records.SAMPLES_V2 -> {
                if (!send) {
                    return true;
                }
                samples.clear();
                String err = Records.type(rec, len) == Records.SAMPLES ? Records.decodeSamples(rec, len, samples)
                        : Records.decodeSamplesV2(rec, len, samples);
                if (err != null) {
                    log.warn("msg=\"Undecodable samples record in WAL\" remote_name={} err=\"{}\"", config.name(), err);
                }
                long ageLimit = config.queue().sampleAgeLimitMs();
                long oldest = ageLimit > 0 ? System.currentTimeMillis() - ageLimit : Long.MIN_VALUE;
                int dropped = 0;
                for (int i = 0; i < samples.size; i++) {
                    SendSeries s = series.get(samples.refs[i]);
                    if (s == null || s.dropped || samples.ts[i] < oldest) {
                        dropped++;
                        continue;
                    }
                    if (!queue.append(s, samples.ts[i], samples.vs[i], this)) {
                        return false;
                    }
                }
                queue.samplesIn(samples.size);
                if (dropped > 0) {
                    queue.dropped(dropped);
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    /** The cursor's current series: external labels (only where the series lacks the name), then write relabeling. */
    private SendSeries sendSeries(long rawHash, int segment) {
        if (externalLabels.isEmpty() && config.writeRelabel().isEmpty() && config.protocol() == 1) {
            return SendSeries.fromWal(cursor, rawHash, segment);
        }
        Labels labels = cursor.labels(builder);
        Labels l = labels;
        if (!externalLabels.isEmpty()) {
            builder.reset(labels);
            boolean changed = false;
            for (int i = 0; i < externalLabels.size(); i++) {
                if (!labels.has(externalLabels.name(i))) {
                    builder.set(externalLabels.name(i), externalLabels.value(i));
                    changed = true;
                }
            }
            if (changed) {
                l = builder.build();
            }
        }
        l = Relabeler.process(l, config.writeRelabel());
        if (l == null || l.isEmpty()) {
            return SendSeries.dropped(rawHash, segment);
        }
        return new SendSeries(rawHash, l, segment, config.protocol());
    }

    private long[] readProgress() {
        try {
            return ProgressFile.read(progressFile);
        } catch (IOException e) {
            log.warn("msg=\"Unreadable remote write progress file, starting like a new queue\" file={} err=\"{}\"",
                    progressFile, e.getMessage());
            return null;
        }
    }

    /** Writes the safe position (atomically: temp file, then rename). */
    private synchronized void persist() {
        if (sendFromSegment < 0) {
            return; // not started
        }
        int seg = queue.safeSegment();
        long off = queue.safeOffset();
        if (seg < 0 || !atOrAfter(seg, off, sendFromSegment, sendFromOffset)) {
            // Nothing sent yet, or still reading what lies before the starting position: everything
            // before that position is not this queue's to send, so the position itself is safe.
            seg = sendFromSegment;
            off = sendFromOffset;
        }
        if (seg == persistedSegment && off == persistedOffset) {
            return;
        }
        if (persistedSegment >= 0 && !atOrAfter(seg, off, persistedSegment, persistedOffset)) {
            return;
        }
        try {
            ProgressFile.write(progressFile, seg, off);
            persistedSegment = seg;
            persistedOffset = off;
        } catch (IOException e) {
            log.warn("msg=\"Writing remote write progress failed\" file={} err=\"{}\"", progressFile, e.toString());
        }
    }
}
