package dev.sextant.tsdb.head;

import dev.sextant.tsdb.block.Tombstones;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.ByteScratch;
import dev.sextant.tsdb.query.ChunkSet;
import dev.sextant.tsdb.query.ChunkSetIterator;
import dev.sextant.tsdb.query.IndexReader;
import dev.sextant.tsdb.query.ListSeriesSet;
import dev.sextant.tsdb.query.PostingsForMatchers;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the head over {@code [mint, maxt]}. {@code select} snapshots each matching series' chunk
 * list (full chunk handles plus a copy of the open chunk), so later appends are not visible and
 * iteration takes no series lock; full chunks are copied out of off-heap memory one at a time.
 *
 * <p>Thread-safety: not thread-safe. Lifetime: until {@link #close()}, which lets the head free
 * chunk memory truncated meanwhile.
 */
final class HeadQuerier implements Querier, IndexReader {
    private final Head head;
    private final long mint;
    private final long maxt;
    private boolean closed;

    HeadQuerier(Head head, long mint, long maxt) {
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public long[] allPostings() {
        return head.postings.get("", "");
    }

    @Override
    public long[] postings(String name, String value) {
        return head.postings.get(name, value);
    }

    @Override
    public long[] retain(long[] candidates, String name, List<String> values) {
        return head.postings.retain(candidates, name, values);
    }

    @Override
    public List<String> labelValues(String name) {
        return head.postings.values(name);
    }

    @Override
    public List<String> labelNames() {
        return head.postings.names();
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        // Hints name the time range the caller needs: chunks entirely outside it are not even
        // snapshotted (as Prometheus prunes); samples are clipped to the querier's own range.
        long lo = hints != null ? Math.max(mint, hints.start()) : mint;
        long hi = hints != null ? Math.min(maxt, hints.end()) : maxt;
        if (lo > hi) {
            return SeriesSet.EMPTY;
        }
        long[] refs = PostingsForMatchers.select(this, matchers);
        List<HeadSeries> out = new ArrayList<>();
        for (long ref : refs) {
            MemSeries s = head.series.getByRef(ref);
            if (s == null) {
                continue;
            }
            HeadSeries hs = snapshot(s, lo, hi);
            if (hs != null) {
                out.add(hs);
            }
        }
        if (sorted) {
            out.sort((a, b) -> a.labels.compareTo(b.labels));
        }
        return new ListSeriesSet(out);
    }

    /** Snapshots the chunks overlapping {@code [lo, hi]}; samples are clipped to the querier's range. */
    private HeadSeries snapshot(MemSeries s, long lo, long hi) {
        synchronized (s) {
            int first = 0;
            while (first < s.fullCount && s.maxt(first) < lo) {
                first++;
            }
            int last = s.fullCount;
            while (last > first && s.mint(last - 1) > hi) {
                last--;
            }
            boolean withOpen = s.chunkOpen() && s.chunkSamples() > 0 && s.openMaxT() >= lo && s.openMinT <= hi;
            int n = last - first;
            if (n == 0 && !withOpen) {
                return null;
            }
            long[] del = s.deleted;
            if (del != null && allDeleted(s, first, last, withOpen, del)) {
                return null;
            }
            HeadSeries hs = new HeadSeries(s.labels, head, mint, maxt);
            hs.deleted = del;
            hs.chunks = s.copyChunks(first, last);
            hs.n = n;
            if (withOpen) {
                hs.open = s.chunkBytes();
                hs.openMinT = s.openMinT;
                hs.openMaxT = s.openMaxT();
            }
            return hs;
        }
    }

    /** Whether every snapshotted chunk lies inside one deleted interval (the series is then skipped). */
    private static boolean allDeleted(MemSeries s, int first, int last, boolean withOpen, long[] del) {
        for (int i = first; i < last; i++) {
            if (!Tombstones.covers(del, s.mint(i), s.maxt(i))) {
                return false;
            }
        }
        return !withOpen || Tombstones.covers(del, s.openMinT, s.openMaxT());
    }

    private List<Labels> matchingLabels(Matcher... matchers) {
        List<Labels> out = new ArrayList<>();
        for (long ref : PostingsForMatchers.select(this, matchers)) {
            MemSeries s = head.series.getByRef(ref);
            if (s != null) {
                out.add(s.labels);
            }
        }
        return out;
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        if (matchers.length == 0) {
            return labelNames();
        }
        TreeSet<String> names = new TreeSet<>();
        for (Labels l : matchingLabels(matchers)) {
            for (int i = 0; i < l.size(); i++) {
                names.add(l.name(i));
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        if (matchers.length == 0) {
            return labelValues(name);
        }
        TreeSet<String> values = new TreeSet<>();
        for (Labels l : matchingLabels(matchers)) {
            String v = l.get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            head.querierClosed();
        }
    }

    /** A head series as of {@code select}: full chunks by handle, the open chunk by copy. */
    static final class HeadSeries implements Series, ChunkSet {
        final Labels labels;
        final Head head;
        final long mint;
        final long maxt;
        /** Full chunks as (handle, mint, maxt) triples, {@link #n} of them. */
        long[] chunks;
        int n;
        byte[] open;
        long openMinT;
        long openMaxT;
        long[] deleted;

        HeadSeries(Labels labels, Head head, long mint, long maxt) {
            this.labels = labels;
            this.head = head;
            this.mint = mint;
            this.maxt = maxt;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            ChunkSetIterator it = reuse instanceof ChunkSetIterator c ? c : new ChunkSetIterator();
            return it.reset(this, mint, maxt);
        }

        @Override
        public int size() {
            return n + (open != null ? 1 : 0);
        }

        @Override
        public long minT(int i) {
            return i < n ? chunks[3 * i + 1] : openMinT;
        }

        @Override
        public long maxT(int i) {
            return i < n ? chunks[3 * i + 2] : openMaxT;
        }

        @Override
        public long[] deleted() {
            return deleted;
        }

        @Override
        public void load(int i, ByteScratch buf) {
            if (i < n) {
                long h = chunks[3 * i];
                int len = head.slab.length(h);
                buf.ensure(len);
                buf.len = head.slab.read(h, buf.b);
            } else {
                buf.ensure(open.length);
                System.arraycopy(open, 0, buf.b, 0, open.length);
                buf.len = open.length;
            }
        }
    }
}
