package dev.sextant.scrape.exposition;

/** Metric family types of both text formats; text's {@code untyped} is {@link #UNKNOWN}. */
public enum MetricType {
    COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram"), GAUGEHISTOGRAM("gaugehistogram"),
    SUMMARY("summary"), INFO("info"), STATESET("stateset"), UNKNOWN("unknown");

    private final String text;

    MetricType(String text) {
        this.text = text;
    }

    /** The name Prometheus's metadata API reports. */
    public String text() {
        return text;
    }
}
