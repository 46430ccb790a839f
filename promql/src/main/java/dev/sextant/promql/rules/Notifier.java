package dev.sextant.promql.rules;

import java.util.List;

/**
 * Where alerting rules send their firing and resolved alerts.
 *
 * <p>Thread-safety: implementations must be thread-safe and must not block: {@link #send} is called
 * from rule evaluation threads and should only enqueue.
 */
@FunctionalInterface
public interface Notifier {
    /** A notifier that drops everything (no Alertmanager configured). */
    Notifier NONE = alerts -> { };

    /** Queues alerts for delivery; never blocks on the network. */
    void send(List<NotifierAlert> alerts);
}
