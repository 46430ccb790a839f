package dev.sextant.tsdb.model;

import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable set of label pairs, sorted by name, with unique names.
 *
 * <p>Representation: one {@code String[]} holding name, value, name, value, ... in name order. The
 * hash is computed once at construction. Empty values are never stored: a label with an empty value
 * is the same as an absent label, as in Prometheus.
 *
 * <p>Thread-safety: immutable, freely shared across threads.
 */
public final class Labels implements Comparable<Labels> {
    /** The label that holds the metric name. */
    public static final String METRIC_NAME = "__name__";

    public static final Labels EMPTY = new Labels(new String[0]);

    private final String[] pairs;
    private final int hash;

    /** Takes ownership of {@code pairs}, which must already be sorted, unique and free of empty values. */
    Labels(String[] pairs) {
        this.pairs = pairs;
        this.hash = computeHash(pairs);
    }

    /** Builds labels from alternating name/value arguments in any order; later duplicates win. */
    public static Labels of(String... nameValues) {
        if ((nameValues.length & 1) != 0) {
            throw new IllegalArgumentException("odd number of label arguments");
        }
        LabelsBuilder b = new LabelsBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.set(nameValues[i], nameValues[i + 1]);
        }
        return b.build();
    }

    public static Labels fromMap(Map<String, String> map) {
        LabelsBuilder b = new LabelsBuilder();
        for (Map.Entry<String, String> e : map.entrySet()) {
            b.set(e.getKey(), e.getValue());
        }
        return b.build();
    }

    public int size() {
        return pairs.length >> 1;
    }

    /**
     * These labels without the pairs named {@code a}, {@code b} or {@code c}; {@code this} when
     * none is present. One pass: the kept pairs are already in order, so nothing is sorted (the
     * query engine drops {@code __name__} from every series of a {@code rate()} or an
     * {@code _over_time} result this way).
     */
    public Labels without(String a, String b, String c) {
        int drop = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            String n = pairs[i];
            if (n.equals(a) || n.equals(b) || n.equals(c)) {
                drop++;
            }
        }
        if (drop == 0) {
            return this;
        }
        String[] kept = new String[pairs.length - 2 * drop];
        int k = 0;
        for (int i = 0; i < pairs.length; i += 2) {
            String n = pairs[i];
            if (!(n.equals(a) || n.equals(b) || n.equals(c))) {
                kept[k++] = n;
                kept[k++] = pairs[i + 1];
            }
        }
        return new Labels(kept);
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int i) {
        return pairs[i << 1];
    }

    public String value(int i) {
        return pairs[(i << 1) + 1];
    }

    /** Returns the value for {@code name}, or the empty string when absent (as Prometheus does). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : pairs[(i << 1) + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** Binary search over names; returns the pair index or a negative value. */
    public int indexOf(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = pairs[mid << 1].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    public String metricName() {
        return get(METRIC_NAME);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < pairs.length; i += 2) {
            action.accept(pairs[i], pairs[i + 1]);
        }
    }

    public LabelsBuilder toBuilder() {
        return new LabelsBuilder(this);
    }

    String[] rawPairs() {
        return pairs;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Labels other)) {
            return false;
        }
        return hash == other.hash && Arrays.equals(pairs, other.pairs);
    }

    /** Orders like Prometheus's {@code labels.Compare}: pairwise by name, then value, then by length. */
    @Override
    public int compareTo(Labels o) {
        String[] a = pairs;
        String[] b = o.pairs;
        int n = Math.min(a.length, b.length);
        // Series of one selection usually share their name strings and many value strings (the
        // head interns them): the same reference compares equal without reading its bytes.
        for (int i = 0; i < n; i++) {
            String x = a[i];
            String y = b[i];
            if (x != y) {
                int c = x.compareTo(y);
                if (c != 0) {
                    return c;
                }
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /** Renders as {@code name{a="b", c="d"}} like Prometheus's {@code Labels.String()}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append('{');
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(pairs[i]).append("=\"");
            appendEscaped(sb, pairs[i + 1]);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private static void appendEscaped(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    private static int computeHash(String[] pairs) {
        int h = 1;
        for (String s : pairs) {
            h = 31 * h + s.hashCode();
        }
        return h;
    }
}
