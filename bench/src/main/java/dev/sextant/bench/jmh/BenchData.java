package dev.sextant.bench.jmh;

import dev.sextant.bench.load.SeriesModel;
import dev.sextant.tsdb.model.Labels;

/** Builds {@link Labels} for the shared {@link SeriesModel} population. */
final class BenchData {
    private BenchData() {}

    static Labels[] labels(SeriesModel model) {
        Labels[] out = new Labels[model.seriesCount()];
        for (int s = 0; s < out.length; s++) {
            out[s] = Labels.of(model.labels(s));
        }
        return out;
    }
}
