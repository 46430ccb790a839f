package dev.sextant.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.tsdb.model.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code Aggregations.firstK} must give exactly the stable sort's first k (the path it replaces for
 * small k): same elements in the same order, ties and NaNs included.
 */
class TopKSelectionTest {
    @Test
    void firstKEqualsTheStableSortPrefixForRandomGroupsWithTiesAndNaNs() {
        Random rnd = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            int n = 1 + rnd.nextInt(60);
            List<Elem> g = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                double v = switch (rnd.nextInt(6)) {
                    case 0 -> Double.NaN;
                    case 1 -> rnd.nextInt(3); // many ties
                    case 2 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    case 3 -> -0.0;
                    default -> rnd.nextGaussian();
                };
                g.add(new Elem(Labels.of("i", Integer.toString(i)), v, false, 0));
            }
            int k = 1 + rnd.nextInt(Math.max(1, n - 1));
            for (Comparator<Elem> order : List.of(Aggregations.TOPK_ORDER, Aggregations.BOTTOMK_ORDER)) {
                List<Elem> sorted = new ArrayList<>(g);
                sorted.sort(order);
                List<Elem> expected = sorted.subList(0, Math.min(k, n));
                List<Elem> actual = new ArrayList<>();
                Aggregations.firstK(g, Math.min(k, n), order, actual);
                assertThat(actual).as("round %d, n=%d, k=%d", round, n, k).containsExactlyElementsOf(expected);
            }
        }
    }
}
