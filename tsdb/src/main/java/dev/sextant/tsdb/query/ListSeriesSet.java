package dev.sextant.tsdb.query;

import dev.sextant.tsdb.storage.Series;
import dev.sextant.tsdb.storage.SeriesSet;
import java.util.List;

/** A series set over a list. Not thread-safe. */
public final class ListSeriesSet implements SeriesSet {
    private final List<? extends Series> list;
    private int i = -1;

    public ListSeriesSet(List<? extends Series> list) {
        this.list = list;
    }

    @Override
    public boolean next() {
        return ++i < list.size();
    }

    @Override
    public Series at() {
        return list.get(i);
    }
}
