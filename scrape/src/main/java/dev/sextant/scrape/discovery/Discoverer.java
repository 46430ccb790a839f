package dev.sextant.scrape.discovery;

import java.util.List;
import java.util.function.Consumer;

/**
 * A source of target groups. After {@link #start} it sends the full current state once, then
 * changed groups (by {@link TargetGroup#source()}) whenever something changes.
 *
 * <p>Thread-safety: {@code start} and {@code close} are called once each, from the manager; updates
 * may arrive on any thread, and the sink must be thread-safe.
 */
public interface Discoverer extends AutoCloseable {
    /** Begins discovery; {@code updates} receives lists of changed groups. */
    void start(Consumer<List<TargetGroup>> updates);

    /** Stops watching and releases threads and connections. Idempotent. */
    @Override
    void close();
}
