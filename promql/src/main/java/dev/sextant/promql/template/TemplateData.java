package dev.sextant.promql.template;

import java.util.List;
import java.util.Map;

/**
 * What a rule template sees: {@code $labels}/{@code .Labels}, {@code $value}/{@code .Value},
 * {@code $externalLabels}, {@code $externalURL}, and the {@code query} function's backend.
 * Immutable if the maps are; the executor never modifies them.
 *
 * @param query runs an instant query at the evaluation time; may be null when queries are not allowed
 */
public record TemplateData(Map<String, String> labels, double value, Map<String, String> externalLabels,
        String externalURL, QueryFunction query) {

    /** One element of a {@code query} result, with Go's field names {@code .Labels} and {@code .Value}. */
    public record QuerySample(Map<String, String> labels, double value) {}

    /**
     * Backend of the template function {@code query}.
     *
     * <p>Thread-safety: called from the evaluating thread only.
     */
    @FunctionalInterface
    public interface QueryFunction {
        /** Runs {@code expr} as an instant query; scalars become one sample with no labels. */
        List<QuerySample> query(String expr) throws Exception;
    }
}
