package dev.sextant.promql.engine;

import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AggregateOp;
import dev.sextant.promql.engine.EvalValue.Str;
import dev.sextant.promql.engine.EvalValue.Vec;
import dev.sextant.promql.function.Stats;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregation operators (spec/promql.md §6). Groups are kept in first-seen order; accumulators are
 * primitive.
 *
 * <p>Thread-safety: not thread-safe; one per evaluator.
 */
final class Aggregations {
    private final Evaluator ev;
    private final LabelsBuilder builder = new LabelsBuilder();
    /** Group keys per aggregation and input label set; input labels are shared across steps. */
    private final Map<AggregateExpr, Map<Labels, Labels>> keyCache = new java.util.IdentityHashMap<>();
    private final KeyTable keyTable = new KeyTable();
    /**
     * One key object per group and aggregation (range queries): every series of a group maps to
     * the same {@link Labels} instance, so the per-step group lookup ends at the identity check
     * of {@code Labels.equals} instead of comparing every label pair.
     */
    private final Map<AggregateExpr, Map<Labels, Labels>> sharedKeys = new java.util.IdentityHashMap<>();
    private final Map<AggregateExpr, StepMemo> memo = new java.util.IdentityHashMap<>();

    Aggregations(Evaluator ev) {
        this.ev = ev;
    }

    /** Accumulator of one group. */
    private static final class Group {
        final Labels labels;
        final double[] sum = new double[2];
        final double[] mean = new double[2];
        final double[] aux = new double[2];
        double value;
        double count;
        boolean overflow;
        boolean sawInf;
        boolean dropName;
        double[] values;
        List<Elem> elems;

        Group(Labels labels) {
            this.labels = labels;
        }
    }

    EvalValue eval(AggregateExpr a, long t) {
        AggregateOp op = a.op();
        double param = Double.NaN;
        String label = null;
        if (a.param() != null) {
            EvalValue p = ev.eval(a.param(), t);
            if (p instanceof Str s) {
                label = s.s();
            } else {
                param = ((EvalValue.Sc) p).v();
            }
        }
        Vec in = ev.evalVector(a.expr(), t);
        // From here until this method returns no other aggregation is evaluated: the table of
        // group keys by grouping values belongs to this one.
        keyTable.reset();
        switch (op) {
            case TOPK, BOTTOMK, LIMITK, LIMIT_RATIO -> {
                return selectK(a, in, param);
            }
            case COUNT_VALUES -> {
                return countValues(a, in, label);
            }
            case QUANTILE -> {
                if (!(param >= 0 && param <= 1)) {
                    ev.ctx.annotations.warn("quantile value should be between 0 and 1, got "
                            + SpecialFunctions.formatGo(param), a.param().pos());
                }
            }
            default -> { }
        }
        Map<Labels, Group> groups = new LinkedHashMap<>();
        List<Elem> elems = in.elems();
        Labels[] keys = groupKeys(a, elems);
        for (int idx = 0, size = elems.size(); idx < size; idx++) {
            Elem e = elems.get(idx);
            Labels key = keys[idx];
            Group g = groups.get(key);
            double v = e.v;
            if (g != null) {
                g.dropName |= e.dropName;
            }
            if (g == null) {
                g = new Group(key);
                g.dropName = e.dropName;
                groups.put(key, g);
                g.value = v;
                g.count = 1;
                switch (op) {
                    case SUM -> Stats.kahanAdd(v, g.sum);
                    case AVG -> {
                        Stats.kahanAdd(v, g.sum);
                        g.sawInf = Double.isInfinite(v);
                    }
                    case STDDEV, STDVAR -> welford(g, v);
                    case QUANTILE -> {
                        g.values = new double[4];
                        g.values[0] = v;
                    }
                    default -> { }
                }
                continue;
            }
            g.count++;
            switch (op) {
                case SUM -> Stats.kahanAdd(v, g.sum);
                case AVG -> {
                    Stats.kahanAdd(v, g.sum);
                    g.sawInf |= Double.isInfinite(v);
                }
                case MIN -> {
                    if (v < g.value || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case MAX -> {
                    if (v > g.value || Double.isNaN(g.value)) {
                        g.value = v;
                    }
                }
                case STDDEV, STDVAR -> welford(g, v);
                case QUANTILE -> {
                    int n = (int) g.count - 1;
                    if (n == g.values.length) {
                        g.values = Arrays.copyOf(g.values, n * 2);
                    }
                    g.values[n] = v;
                }
                default -> { }
            }
        }
        if (op == AggregateOp.AVG) {
            // Recompute overflowing groups with an incremental mean.
            for (Group g : groups.values()) {
                g.overflow = Double.isInfinite(g.sum[0]) && !g.sawInf;
                if (g.overflow) {
                    g.mean[0] = 0;
                    g.mean[1] = 0;
                    g.count = 0;
                }
            }
            for (int idx = 0, size = elems.size(); idx < size; idx++) {
                Elem e = elems.get(idx);
                Group g = groups.get(keys[idx]);
                if (g.overflow) {
                    g.count++;
                    double cur = g.mean[0] + g.mean[1];
                    Stats.kahanAdd(e.v / g.count - cur / g.count, g.mean);
                }
            }
        }
        List<Elem> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            double v = switch (op) {
                case SUM -> g.sum[0] + g.sum[1];
                case AVG -> g.overflow ? g.mean[0] + g.mean[1] : (g.sum[0] + g.sum[1]) / g.count;
                case COUNT -> g.count;
                case GROUP -> 1;
                case MIN, MAX -> g.value;
                case STDVAR -> (g.aux[0] + g.aux[1]) / g.count;
                case STDDEV -> Math.sqrt((g.aux[0] + g.aux[1]) / g.count);
                case QUANTILE -> Stats.quantile(param, g.values, (int) g.count);
                default -> throw new IllegalStateException(op.name());
            };
            out.add(new Elem(g.labels, v, g.dropName, 0));
        }
        return new Vec(out);
    }

    private static void welford(Group g, double v) {
        double count = g.count;
        double delta = v - (g.mean[0] + g.mean[1]);
        Stats.kahanAdd(delta / count, g.mean);
        Stats.kahanAdd(delta * (v - (g.mean[0] + g.mean[1])), g.aux);
    }

    /**
     * The group key of every element, valid until the next call for the same aggregation. Over
     * many steps the input usually holds the same label sets (the same objects, from the loaded
     * series) in the same order, minus series without a value at a step, so each element is first
     * matched by reference against the next few elements of the previous step's input; only the
     * rest go through {@link #groupKey}.
     */
    private Labels[] groupKeys(AggregateExpr a, List<Elem> elems) {
        int size = elems.size();
        if (ev.ctx.start == ev.ctx.end) {
            Labels[] keys = new Labels[size];
            for (int i = 0; i < size; i++) {
                keys[i] = groupKey(a, elems.get(i));
            }
            return keys;
        }
        StepMemo m = memo.get(a);
        if (m == null) {
            m = new StepMemo();
            memo.put(a, m);
        }
        Labels[] prevIn = m.in;
        Labels[] prevKeys = m.keys;
        int prevN = m.n;
        Labels[] in = m.spareIn.length >= size ? m.spareIn : new Labels[size];
        Labels[] keys = m.spareKeys.length >= size ? m.spareKeys : new Labels[size];
        int j = 0;
        for (int i = 0; i < size; i++) {
            Elem e = elems.get(i);
            Labels l = e.labels;
            Labels key = null;
            for (int p = j, lim = Math.min(prevN, j + 4); p < lim; p++) {
                if (prevIn[p] == l) {
                    key = prevKeys[p];
                    j = p + 1;
                    break;
                }
            }
            if (key == null) {
                key = groupKey(a, e);
            }
            in[i] = l;
            keys[i] = key;
        }
        m.spareIn = prevIn;
        m.spareKeys = prevKeys;
        m.in = in;
        m.keys = keys;
        m.n = size;
        return keys;
    }

    /** The previous step's input label sets and group keys of one aggregation, and spare arrays. */
    private static final class StepMemo {
        Labels[] in = new Labels[0];
        Labels[] keys = new Labels[0];
        Labels[] spareIn = new Labels[0];
        Labels[] spareKeys = new Labels[0];
        int n;
    }

    private Labels groupKey(AggregateExpr a, Elem e) {
        if (ev.ctx.start == ev.ctx.end && !a.without()) {
            // One step (instant queries, recording rules): every input label set is seen once,
            // so caching by identity only costs; find the key by the grouping values instead.
            return keyTable.key(a, e.labels);
        }
        Map<Labels, Labels> cache = keyCache.computeIfAbsent(a, k -> new java.util.IdentityHashMap<>());
        Labels key = cache.get(e.labels);
        if (key == null) {
            key = computeGroupKey(a, e.labels);
            Labels shared = sharedKeys.computeIfAbsent(a, k -> new java.util.HashMap<>()).putIfAbsent(key, key);
            if (shared != null) {
                key = shared;
            }
            if (cache.size() < 100_000) {
                cache.put(e.labels, key);
            }
        }
        return key;
    }

    /**
     * Group keys of one {@code by} aggregation at one step, found by the values of the grouping
     * labels (open addressing), so that a series whose group exists costs a few label lookups
     * instead of building a label set and hashing it.
     */
    private final class KeyTable {
        private int[] hashes = new int[32];
        private String[][] values = new String[32][];
        private Labels[] keys = new Labels[32];
        private int size;
        private String[] scratch = new String[4];

        void reset() {
            if (size > 0) {
                Arrays.fill(keys, null);
                Arrays.fill(values, null);
                size = 0;
            }
        }

        Labels key(AggregateExpr a, Labels l) {
            List<String> grouping = a.grouping();
            int n = grouping.size();
            if (scratch.length < n) {
                scratch = new String[n];
            }
            int h = 1;
            for (int i = 0; i < n; i++) {
                String v = l.get(grouping.get(i));
                scratch[i] = v;
                h = h * 31 + v.hashCode();
            }
            int mask = keys.length - 1;
            int i = (h ^ (h >>> 16)) & mask;
            while (keys[i] != null) {
                if (hashes[i] == h && same(values[i], n)) {
                    return keys[i];
                }
                i = (i + 1) & mask;
            }
            Labels key = computeGroupKey(a, l);
            keys[i] = key;
            hashes[i] = h;
            values[i] = Arrays.copyOf(scratch, n);
            if (++size * 2 > keys.length) {
                grow();
            }
            return key;
        }

        private boolean same(String[] v, int n) {
            for (int i = 0; i < n; i++) {
                if (!v[i].equals(scratch[i])) {
                    return false;
                }
            }
            return true;
        }

        private void grow() {
            int[] oh = hashes;
            String[][] ov = values;
            Labels[] ok = keys;
            hashes = new int[ok.length * 2];
            values = new String[ok.length * 2][];
            keys = new Labels[ok.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < ok.length; j++) {
                if (ok[j] != null) {
                    int i = (oh[j] ^ (oh[j] >>> 16)) & mask;
                    while (keys[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = ok[j];
                    hashes[i] = oh[j];
                    values[i] = ov[j];
                }
            }
        }
    }

    private Labels computeGroupKey(AggregateExpr a, Labels l) {
        if (a.without()) {
            builder.reset(l);
            builder.delete(Labels.METRIC_NAME);
            for (String name : a.grouping()) {
                builder.delete(name);
            }
            return builder.build();
        }
        builder.reset();
        for (String name : a.grouping()) {
            String v = l.get(name);
            if (!v.isEmpty()) {
                builder.set(name, v);
            }
        }
        return builder.build();
    }

    private Vec countValues(AggregateExpr a, Vec in, String label) {
        if (!SpecialFunctions.validLabelName(label)) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    "invalid label name " + dev.sextant.promql.parser.Strings.goQuote(label));
        }
        Map<Labels, double[]> counts = new LinkedHashMap<>();
        for (Elem e : in.elems()) {
            Labels key = groupKey(a, e);
            Labels withValue = new LabelsBuilder(key).set(label, SpecialFunctions.formatGo(e.v)).build();
            counts.computeIfAbsent(withValue, k -> new double[1])[0]++;
        }
        List<Elem> out = new ArrayList<>(counts.size());
        for (Map.Entry<Labels, double[]> c : counts.entrySet()) {
            out.add(new Elem(c.getKey(), c.getValue()[0], false, 0));
        }
        return new Vec(out);
    }

    /** topk, bottomk, limitk, limit_ratio: members keep their labels and values. */
    private Vec selectK(AggregateExpr a, Vec in, double param) {
        AggregateOp op = a.op();
        if (Double.isNaN(param)) {
            throw new QueryException(QueryException.Kind.EXECUTION,
                    op == AggregateOp.LIMIT_RATIO ? "Ratio value is NaN" : "Parameter value is NaN");
        }
        if (op == AggregateOp.LIMIT_RATIO) {
            double ratio = param;
            if (ratio < -1 || ratio > 1) {
                double capped = ratio < -1 ? -1 : 1;
                ev.ctx.annotations.warn("ratio value should be between -1 and 1, got " + SpecialFunctions.formatGo(ratio)
                        + ", capping to " + SpecialFunctions.formatGo(capped), a.param().pos());
                ratio = capped;
            }
            List<Elem> out = new ArrayList<>();
            for (Elem e : in.elems()) {
                double h = (e.labels.hashCode() & 0xffffffffL) / (double) (1L << 32);
                if (ratio >= 0 ? h < ratio : h >= 1 + ratio) {
                    out.add(e);
                }
            }
            return new Vec(out);
        }
        long k = param >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) param;
        if (k < 1) {
            return new Vec(List.of());
        }
        java.util.Collection<List<Elem>> groups;
        if (!a.without() && a.grouping().isEmpty()) {
            // No grouping (topk(5, x)): one group, the input itself; no keys to find per element.
            groups = List.of(in.elems());
        } else {
            Map<Labels, List<Elem>> byKey = new LinkedHashMap<>();
            for (Elem e : in.elems()) {
                byKey.computeIfAbsent(groupKey(a, e), x -> new ArrayList<>()).add(e);
            }
            groups = byKey.values();
        }
        List<Elem> out = new ArrayList<>();
        for (List<Elem> g : groups) {
            if (op == AggregateOp.LIMITK) {
                out.addAll(g.subList(0, (int) Math.min(k, g.size())));
            } else if (k < g.size() && k <= SMALL_K) {
                firstK(g, (int) k, op == AggregateOp.TOPK ? TOPK_ORDER : BOTTOMK_ORDER, out);
            } else {
                List<Elem> sorted = new ArrayList<>(g);
                sorted.sort(op == AggregateOp.TOPK ? TOPK_ORDER : BOTTOMK_ORDER);
                out.addAll(sorted.subList(0, (int) Math.min(k, sorted.size())));
            }
        }
        return new Vec(out);
    }

    /** topk's order: larger first, NaN last. */
    static final Comparator<Elem> TOPK_ORDER = (x, y) -> {
        boolean xn = Double.isNaN(x.v);
        boolean yn = Double.isNaN(y.v);
        if (xn || yn) {
            return Boolean.compare(xn, yn);
        }
        return Double.compare(y.v, x.v);
    };

    /** bottomk's order: smaller first, NaN last. */
    static final Comparator<Elem> BOTTOMK_ORDER = (x, y) -> {
        boolean xn = Double.isNaN(x.v);
        boolean yn = Double.isNaN(y.v);
        if (xn || yn) {
            return Boolean.compare(xn, yn);
        }
        return Double.compare(x.v, y.v);
    };

    /** Up to this k, topk/bottomk keep the best k in a small sorted array instead of sorting the group. */
    static final int SMALL_K = 64;

    /**
     * Appends to {@code out} exactly what a stable sort of {@code g} by {@code cmp} followed by
     * taking the first {@code k} gives (same elements, same order, ties in input order), in
     * O(n·k) with no copy of the group: an element enters the kept prefix only when strictly
     * better than its last entry, and is inserted after every kept entry it ties with.
     */
    static void firstK(List<Elem> g, int k, Comparator<Elem> cmp, List<Elem> out) {
        Elem[] best = new Elem[k];
        int n = 0;
        for (int i = 0, size = g.size(); i < size; i++) {
            Elem e = g.get(i);
            if (n == k && cmp.compare(e, best[k - 1]) >= 0) {
                continue;
            }
            int p = n == k ? k - 1 : n;
            while (p > 0 && cmp.compare(e, best[p - 1]) < 0) {
                p--;
            }
            int last = n == k ? k - 1 : n;
            System.arraycopy(best, p, best, p + 1, last - p);
            best[p] = e;
            if (n < k) {
                n++;
            }
        }
        for (int i = 0; i < n; i++) {
            out.add(best[i]);
        }
    }
}
