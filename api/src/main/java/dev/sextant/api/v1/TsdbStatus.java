package dev.sextant.api.v1;

import java.util.List;

/** What {@code /api/v1/status/tsdb} and {@code /api/v1/status/walreplay} report about storage. */
public interface TsdbStatus {
    /** Head cardinality statistics with the top {@code limit} entries of each list. */
    Stats stats(int limit);

    /** Progress of the WAL replay at startup. */
    WalReplay walReplay();

    /** One {@code {"name":…,"value":…}} entry. */
    record Entry(String name, long value) {}

    /** Times are milliseconds; {@code minTime > maxTime} when the head is empty. */
    record Stats(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
            List<Entry> seriesCountByMetricName, List<Entry> labelValueCountByLabelName,
            List<Entry> memoryInBytesByLabelName, List<Entry> seriesCountByLabelValuePair) {}

    /** {@code state} is {@code waiting}, {@code in progress} or {@code done}. */
    record WalReplay(long min, long max, long current, String state) {}
}
