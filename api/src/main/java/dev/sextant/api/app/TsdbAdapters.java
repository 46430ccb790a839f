package dev.sextant.api.app;

import dev.sextant.api.metrics.ServerMetrics;
import dev.sextant.api.v1.AdminApi;
import dev.sextant.api.v1.TsdbStatus;
import dev.sextant.tsdb.Tsdb;
import dev.sextant.tsdb.head.HeadCardinality;
import dev.sextant.tsdb.head.WalReplayProgress;
import dev.sextant.tsdb.model.Matcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Adapts the TSDB to the HTTP API's status and admin views, and exports its counters. */
final class TsdbAdapters {
    private TsdbAdapters() {}

    static TsdbStatus status(java.util.function.Supplier<Tsdb> tsdb, WalReplayProgress progress) {
        return new TsdbStatus() {
            @Override
            public Stats stats(int limit) {
                HeadCardinality c = tsdb.get().headCardinality(limit);
                return new Stats(c.numSeries(), c.numLabelPairs(), c.chunkCount(), c.minTime(), c.maxTime(),
                        entries(c.seriesCountByMetricName()), entries(c.labelValueCountByLabelName()),
                        entries(c.memoryInBytesByLabelName()), entries(c.seriesCountByLabelValuePair()));
            }

            @Override
            public WalReplay walReplay() {
                WalReplayProgress.Status s = progress.get();
                // An empty WAL has no segment (-1 here); Prometheus reports 0 then.
                return new WalReplay(Math.max(0, s.min()), Math.max(0, s.max()), Math.max(0, s.current()), s.state());
            }
        };
    }

    private static List<TsdbStatus.Entry> entries(List<HeadCardinality.Entry> in) {
        List<TsdbStatus.Entry> out = new ArrayList<>(in.size());
        for (HeadCardinality.Entry e : in) {
            out.add(new TsdbStatus.Entry(e.name(), e.value()));
        }
        return out;
    }

    static AdminApi.Operations admin(java.util.function.Supplier<Tsdb> tsdb) {
        return new AdminApi.Operations() {
            @Override
            public void deleteSeries(long mint, long maxt, Matcher... matchers) {
                tsdb.get().deleteSeries(mint, maxt, matchers);
            }

            @Override
            public void cleanTombstones() {
                tsdb.get().cleanTombstones();
            }

            @Override
            public String snapshot(boolean skipHead) {
                Path p = tsdb.get().snapshot(tsdb.get().dir().resolve("snapshots"), skipHead);
                return p.getFileName().toString();
            }
        };
    }

    /** Prometheus's {@code prometheus_tsdb_*} metrics under Sextant's prefix. */
    static void registerMetrics(ServerMetrics m, Tsdb tsdb) {
        m.gauge("sextant_tsdb_head_series", "Total number of series in the head block.", () -> tsdb.head().numSeries());
        m.gauge("sextant_tsdb_head_chunks", "Total number of chunks in the head block.", tsdb::headChunks);
        m.gauge("sextant_tsdb_head_min_time", "Lowest timestamp value stored in the head block.",
                () -> tsdb.head().minTime());
        m.gauge("sextant_tsdb_head_max_time", "Highest timestamp value stored in the head block.",
                () -> tsdb.head().maxTime());
        m.counter("sextant_tsdb_head_samples_appended_total", "Total number of appended samples.",
                tsdb::samplesAppendedTotal);
        m.counter("sextant_tsdb_head_series_created_total", "Total number of series created in the head.",
                tsdb::seriesCreatedTotal);
        m.counter("sextant_tsdb_head_series_removed_total", "Total number of series removed from the head.",
                tsdb::seriesRemovedTotal);
        m.counter("sextant_tsdb_out_of_order_samples_total", "Total number of out of order samples rejected.",
                tsdb::outOfOrderSamplesTotal);
        m.counter("sextant_tsdb_out_of_bounds_samples_total", "Total number of out of bounds samples rejected.",
                tsdb::outOfBoundsSamplesTotal);
        m.counter("sextant_tsdb_head_truncations_total", "Total number of head truncations.",
                tsdb::headTruncationsTotal);
        m.counter("sextant_tsdb_wal_corruptions_total", "Total number of WAL corruptions repaired.",
                tsdb::walCorruptionsTotal);
        m.summary("sextant_tsdb_wal_fsync_duration_seconds", "Duration of WAL fsync.", tsdb::walFsyncCount,
                tsdb::walFsyncSecondsSum);
        m.gauge("sextant_tsdb_wal_storage_size_bytes", "Size of the write log directory.", tsdb::walSizeBytes);
        m.counter("sextant_tsdb_compactions_total", "Total number of compactions that were executed.",
                tsdb::compactionsTotal);
        m.counter("sextant_tsdb_compactions_failed_total", "Total number of compactions that failed.",
                tsdb::compactionsFailedTotal);
        m.counter("sextant_tsdb_blocks_corrupted_total",
                "Total number of block directories set aside (renamed to <ULID>.corrupted) because they failed to open.",
                tsdb::blocksCorruptedTotal);
        m.gauge("sextant_tsdb_blocks_loaded", "Number of currently loaded data blocks.", tsdb::blocksLoaded);
        m.gauge("sextant_tsdb_storage_blocks_bytes", "The number of bytes used by blocks on disk.", tsdb::blocksBytes);
        m.gauge("sextant_tsdb_head_offheap_bytes", "Off-heap bytes held by head chunks.",
                () -> tsdb.head().offHeapBytes());
    }
}
