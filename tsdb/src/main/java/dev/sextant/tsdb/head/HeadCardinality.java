package dev.sextant.tsdb.head;

import java.util.List;

/**
 * Head statistics for {@code /api/v1/status/tsdb} ({@code headStats} and the four top-N lists),
 * computed from the postings index. Lists are sorted by value descending, then name ascending.
 *
 * <p>Thread-safety: immutable.
 *
 * @param numSeries series in the head
 * @param numLabelPairs distinct label name/value pairs
 * @param chunkCount chunks in the head
 * @param minTime smallest sample timestamp (0 when empty)
 * @param maxTime largest sample timestamp (0 when empty)
 * @param seriesCountByMetricName series per {@code __name__} value
 * @param labelValueCountByLabelName distinct values per label name
 * @param memoryInBytesByLabelName summed length (UTF-8 bytes) of the values per label name
 * @param seriesCountByLabelValuePair series per {@code name=value} pair
 */
public record HeadCardinality(long numSeries, long numLabelPairs, long chunkCount, long minTime, long maxTime,
        List<Entry> seriesCountByMetricName, List<Entry> labelValueCountByLabelName,
        List<Entry> memoryInBytesByLabelName, List<Entry> seriesCountByLabelValuePair) {

    /** One statistic: a name (metric name, label name or {@code name=value}) and its count. */
    public record Entry(String name, long value) {}
}
