package dev.sextant.scrape.loop;

import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Test helpers to read back what the scrape manager stored. */
final class Stored {
    private Stored() {}

    /** All samples of every series matching, by labels. */
    static Map<Labels, List<double[]>> select(MemoryStorage s, Matcher... m) {
        Map<Labels, List<double[]>> out = new LinkedHashMap<>();
        try (Querier q = s.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, m);
            while (set.next()) {
                Series ser = set.at();
                List<double[]> samples = new ArrayList<>();
                SampleIterator it = ser.iterator(null);
                while (it.next()) {
                    samples.add(new double[] {it.atT(), it.atV()});
                }
                out.put(ser.labels(), samples);
            }
        }
        return out;
    }

    static List<double[]> samples(MemoryStorage s, String name, String... labels) {
        List<Matcher> ms = new ArrayList<>();
        ms.add(Matcher.equal("__name__", name));
        for (int i = 0; i < labels.length; i += 2) {
            ms.add(Matcher.equal(labels[i], labels[i + 1]));
        }
        List<double[]> all = new ArrayList<>();
        for (List<double[]> l : select(s, ms.toArray(new Matcher[0])).values()) {
            all.addAll(l);
        }
        return all;
    }

    static double lastValue(MemoryStorage s, String name, String... labels) {
        List<double[]> l = samples(s, name, labels);
        return l.isEmpty() ? Double.NaN : l.get(l.size() - 1)[1];
    }

    /** Waits up to 60 s (returns as soon as {@code cond} holds; a loaded CI machine can be slow). */
    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
