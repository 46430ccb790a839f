package dev.sextant.tsdb.testutil;

import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import dev.sextant.tsdb.storage.SampleIterator;
import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: reads whole series into plain lists for assertions. */
public final class Samples {
    private Samples() {}

    /** A sample with raw value bits, so NaN payloads compare exactly. */
    public record Sample(long t, long bits) {
        public static Sample of(long t, double v) {
            return new Sample(t, Double.doubleToRawLongBits(v));
        }

        @Override
        public String toString() {
            return t + "=" + Double.longBitsToDouble(bits);
        }
    }

    public static Map<Labels, List<Sample>> query(Queryable q, long mint, long maxt, Matcher... ms) {
        try (Querier querier = q.querier(mint, maxt)) {
            return read(querier.select(true, null, ms));
        }
    }

    public static Map<Labels, List<Sample>> read(SeriesSet set) {
        Map<Labels, List<Sample>> out = new LinkedHashMap<>();
        SampleIterator reuse = null;
        while (set.next()) {
            Series s = set.at();
            SampleIterator it = s.iterator(reuse);
            List<Sample> l = new ArrayList<>();
            while (it.next()) {
                l.add(new Sample(it.atT(), Double.doubleToRawLongBits(it.atV())));
            }
            if (it.error() != null) {
                throw new AssertionError("iterator error", it.error());
            }
            if (out.put(s.labels(), l) != null) {
                throw new AssertionError("series returned twice: " + s.labels());
            }
            reuse = it;
        }
        if (set.error() != null) {
            throw new AssertionError("series set error", set.error());
        }
        return out;
    }
}
