package dev.sextant.tsdb.model;

import java.util.Arrays;

/**
 * Mutable builder for {@link Labels}. Setting an empty value removes the label. Reusable: {@link
 * #reset()} clears it without freeing its arrays.
 *
 * <p>Thread-safety: not thread-safe; one builder per thread.
 */
public final class LabelsBuilder {
    private String[] names = new String[8];
    private String[] values = new String[8];
    private int size;

    public LabelsBuilder() {}

    public LabelsBuilder(Labels base) {
        reset(base);
    }

    public LabelsBuilder reset() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        return this;
    }

    public LabelsBuilder reset(Labels base) {
        reset();
        for (int i = 0; i < base.size(); i++) {
            add(base.name(i), base.value(i));
        }
        return this;
    }

    /** Sets or replaces a label; an empty value deletes it. */
    public LabelsBuilder set(String name, String value) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                if (value == null || value.isEmpty()) {
                    removeAt(i);
                } else {
                    values[i] = value;
                }
                return this;
            }
        }
        if (value != null && !value.isEmpty()) {
            add(name, value);
        }
        return this;
    }

    public LabelsBuilder delete(String name) {
        return set(name, "");
    }

    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return "";
    }

    public int size() {
        return size;
    }

    private void add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    private void removeAt(int i) {
        System.arraycopy(names, i + 1, names, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        names[size] = null;
        values[size] = null;
    }

    public Labels build() {
        if (size == 0) {
            return Labels.EMPTY;
        }
        String[] pairs = new String[size * 2];
        if (size <= 32) {
            // Insertion sort: label sets are small (typically under 16 pairs).
            int n = 0;
            for (int i = 0; i < size; i++) {
                String name = names[i];
                int j = n;
                while (j > 0 && pairs[(j - 1) * 2].compareTo(name) > 0) {
                    pairs[j * 2] = pairs[(j - 1) * 2];
                    pairs[j * 2 + 1] = pairs[(j - 1) * 2 + 1];
                    j--;
                }
                pairs[j * 2] = name;
                pairs[j * 2 + 1] = values[i];
                n++;
            }
            return new Labels(pairs);
        }
        // Large (hostile or unusual) sets: O(n log n), never quadratic.
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
        for (int i = 0; i < size; i++) {
            pairs[i * 2] = names[order[i]];
            pairs[i * 2 + 1] = values[order[i]];
        }
        return new Labels(pairs);
    }

    /**
     * Builds labels from parallel arrays in O(n log n), for inputs that may be large (remote write).
     * Empty values are dropped.
     *
     * @return the labels, or null when a name is empty or appears twice
     */
    public static Labels fromArrays(String[] names, String[] values, int n) {
        int[] idx = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (names[i] == null || names[i].isEmpty()) {
                return null;
            }
            if (values[i] != null && !values[i].isEmpty()) {
                idx[m++] = i;
            }
        }
        if (m == 0) {
            return Labels.EMPTY;
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = idx[i];
        }
        Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
        String[] pairs = new String[m * 2];
        for (int i = 0; i < m; i++) {
            if (i > 0 && names[order[i]].equals(names[order[i - 1]])) {
                return null;
            }
            pairs[i * 2] = names[order[i]];
            pairs[i * 2 + 1] = values[order[i]];
        }
        return new Labels(pairs);
    }
}
