package dev.sextant.tsdb;

import dev.sextant.tsdb.block.Block;
import dev.sextant.tsdb.head.Head;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.MergeQuerier;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SelectHints;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The querier of {@link Tsdb}: each call merges the blocks and the head as they are at that call.
 * Head compaction makes a new block visible and only then truncates the head; a call that read
 * the block list before a truncation started and read the head after it could miss the moved
 * samples, so it is retried when the head's truncation epoch changed in between (rare; the first
 * attempt's queriers are closed with this one).
 *
 * <p>Thread-safety: not thread-safe (one querier per query). Lifetime: results are valid until
 * {@link #close()}.
 */
final class TsdbQuerier implements Querier {
    private final Tsdb db;
    private final Head head;
    private final long mint;
    private final long maxt;
    private final List<Querier> open = new ArrayList<>();
    private boolean closed;

    TsdbQuerier(Tsdb db, Head head, long mint, long maxt) {
        this.db = db;
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
    }

    private <T> T consistently(Function<Querier, T> call) {
        if (closed) {
            throw new IllegalStateException("querier closed");
        }
        while (true) {
            long epoch = head.truncationEpoch();
            List<Querier> qs = new ArrayList<>();
            for (Block b : db.blockList()) {
                if (b.overlaps(mint, maxt)) {
                    qs.add(b.querier(mint, maxt));
                }
            }
            qs.add(head.querier(mint, maxt));
            MergeQuerier q = new MergeQuerier(qs);
            open.add(q);
            T result = call.apply(q);
            if (head.truncationEpoch() == epoch) {
                return result;
            }
        }
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        return consistently(q -> q.select(sorted, hints, matchers));
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return consistently(q -> q.labelNames(matchers));
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return consistently(q -> q.labelValues(name, matchers));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Querier q : open) {
            try {
                q.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
