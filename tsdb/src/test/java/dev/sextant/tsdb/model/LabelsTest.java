package dev.sextant.tsdb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelsTest {
    @Test
    void sortsByNameAndDropsEmptyValues() {
        Labels l = Labels.of("job", "api", "__name__", "up", "instance", "", "env", "prod");
        assertThat(l.size()).isEqualTo(3);
        assertThat(l.name(0)).isEqualTo("__name__");
        assertThat(l.name(1)).isEqualTo("env");
        assertThat(l.name(2)).isEqualTo("job");
        assertThat(l.get("instance")).isEmpty();
        assertThat(l.has("instance")).isFalse();
        assertThat(l.metricName()).isEqualTo("up");
        assertThat(l.toString()).isEqualTo("{__name__=\"up\", env=\"prod\", job=\"api\"}");
    }

    @Test
    void equalityIgnoresInsertionOrder() {
        Labels a = Labels.of("a", "1", "b", "2");
        Labels b = Labels.of("b", "2", "a", "1");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Labels.of("a", "1", "b", "3"));
    }

    @Test
    void compareToIsTheSameForSharedAndCopiedStrings() {
        String[] values = {"", "a", "ab", "b", "api", "api2", "x"};
        List<Labels> shared = new ArrayList<>();
        List<Labels> copied = new ArrayList<>();
        for (String n : new String[] {"__name__", "a", "job"}) {
            for (String v : values) {
                for (String w : values) {
                    shared.add(Labels.of(n, v, "z", w));
                    // Equal text, different String objects: the identity shortcut must not change the order.
                    copied.add(Labels.of(new String(n.toCharArray()), new String(v.toCharArray()), "z",
                            new String(w.toCharArray())));
                }
            }
        }
        for (int i = 0; i < shared.size(); i++) {
            for (int j = 0; j < shared.size(); j++) {
                int want = reference(shared.get(i), shared.get(j));
                assertThat(Integer.signum(shared.get(i).compareTo(shared.get(j)))).isEqualTo(want);
                assertThat(Integer.signum(copied.get(i).compareTo(shared.get(j)))).isEqualTo(want);
                assertThat(Integer.signum(shared.get(i).compareTo(copied.get(j)))).isEqualTo(want);
                assertThat(want == 0).isEqualTo(shared.get(i).equals(shared.get(j)));
            }
        }
        // A label set that is a prefix of another sorts first.
        assertThat(Labels.of("a", "1").compareTo(Labels.of("a", "1", "b", "2"))).isNegative();
        assertThat(Labels.of("a", "1", "b", "2").compareTo(Labels.of("a", "1"))).isPositive();
        assertThat(Labels.of("a", "1", "c", "2").compareTo(Labels.of("a", "1", "b", "9"))).isPositive();
    }

    /** Prometheus's order: name, then value, label by label; a shorter prefix first. */
    private static int reference(Labels a, Labels b) {
        for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
            int c = a.name(k).compareTo(b.name(k));
            if (c == 0) {
                c = a.value(k).compareTo(b.value(k));
            }
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.signum(Integer.compare(a.size(), b.size()));
    }

    @Test
    void laterDuplicateWins() {
        assertThat(Labels.of("a", "1", "a", "2").get("a")).isEqualTo("2");
    }

    @Test
    void oddArgumentsRejected() {
        assertThatThrownBy(() -> Labels.of("a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void comparesLikePrometheus() {
        List<Labels> list = new ArrayList<>(List.of(
                Labels.of("a", "2"), Labels.of("a", "1", "b", "1"), Labels.of("a", "1"), Labels.of("b", "0")));
        list.sort(null);
        assertThat(list).containsExactly(
                Labels.of("a", "1"), Labels.of("a", "1", "b", "1"), Labels.of("a", "2"), Labels.of("b", "0"));
    }

    @Test
    void builderSetsDeletesAndResets() {
        LabelsBuilder b = new LabelsBuilder(Labels.of("a", "1", "b", "2"));
        b.set("c", "3").delete("a").set("b", "20");
        assertThat(b.build()).isEqualTo(Labels.of("b", "20", "c", "3"));
        b.reset();
        assertThat(b.build()).isSameAs(Labels.EMPTY);
    }

    @Test
    void escapesValuesInToString() {
        assertThat(Labels.of("a", "x\"y\\z\n").toString()).isEqualTo("{a=\"x\\\"y\\\\z\\n\"}");
    }

    @org.junit.jupiter.api.Test
    void withoutDropsTheNamedPairsAndMatchesTheBuilder() {
        Labels l = Labels.of("__name__", "up", "__type__", "gauge", "Alpha", "1", "job", "a", "__unit__", "s");
        Labels w = l.without("__name__", "__type__", "__unit__");
        assertThat(w).isEqualTo(Labels.of("Alpha", "1", "job", "a"));
        assertThat(w.hashCode()).isEqualTo(Labels.of("Alpha", "1", "job", "a").hashCode());
        assertThat(w).isEqualTo(new LabelsBuilder(l).delete("__name__").delete("__type__").delete("__unit__").build());
        Labels none = Labels.of("job", "a");
        assertThat(none.without("__name__", "__type__", "__unit__")).isSameAs(none);
        assertThat(Labels.of("__name__", "x").without("__name__", "__type__", "__unit__")).isEqualTo(Labels.EMPTY);
        assertThat(l.without("job", "job", "job")).isEqualTo(Labels.of("__name__", "up", "__type__", "gauge", "Alpha", "1", "__unit__", "s"));
    }
}
