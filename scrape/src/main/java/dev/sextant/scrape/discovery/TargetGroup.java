package dev.sextant.scrape.discovery;

import dev.sextant.tsdb.model.Labels;
import java.util.List;

/**
 * A set of targets that share labels, as service discovery produces them. Target labels win over
 * group labels. A group with no targets tells the consumer that the source is gone.
 *
 * <p>Thread-safety: immutable.
 *
 * @param source unique key of the group within its discoverer ({@code pod/ns/name}, a file name + index)
 * @param targets one label set per target, each with {@code __address__}
 * @param labels labels common to all targets
 */
public record TargetGroup(String source, List<Labels> targets, Labels labels) {
    public TargetGroup {
        targets = List.copyOf(targets);
    }

    /** An empty group that deletes {@code source}. */
    public static TargetGroup empty(String source) {
        return new TargetGroup(source, List.of(), Labels.EMPTY);
    }
}
