package dev.sextant.bench.jmh;

import dev.sextant.bench.load.SeriesModel;
import dev.sextant.tsdb.model.Matcher;
import dev.sextant.tsdb.query.PostingsForMatchers;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Label matchers and postings resolution over the index of 100k model series.
 *
 * <p>{@code matchValues}: one matcher tested against every value of its label (what postings
 * resolution does per regex matcher), score per call over all values. Cases: a literal alternation
 * (the fast path, no regex engine), a prefix regex, a regex with a character class, a negated
 * regex. {@code select}: {@link PostingsForMatchers#select} for a whole selector, the postings
 * intersection and subtraction included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Flags.ADD_OPENS_REFLECT, Flags.ADD_OPENS_NIO, Flags.ADD_EXPORTS_REF,
        Flags.ADD_EXPORTS_MISC, "-Xmx2g"})
public class MatcherBench {
    /** One matcher and the values of its label. */
    @State(Scope.Benchmark)
    public static class SingleMatcher {
        @Param({
            "pod=~api-10000-0|web-1ef07-3|db-2dc16-1",
            "pod=~api-.*",
            "instance=~10\\.0\\.[0-9]+\\.1[0-9]:9100",
            "pod!~.*-[0-3]",
        })
        public String matcher;

        Matcher single;
        List<String> values;

        @Setup(Level.Trial)
        public void setUp() {
            single = parse(matcher);
            values = new MemoryIndex(BenchData.labels(new SeriesModel(100_000, 1))).labelValues(single.name());
        }
    }

    /** A whole selector over the index. */
    @State(Scope.Benchmark)
    public static class Selector {
        @Param({
            "__name__=http_requests_total,namespace=~ns-(1|2|3)",
            "__name__=~http_.*,env!=staging",
            "job=~api|web|db,__name__=node_load1",
            "__name__=~.*_bucket,le=+Inf,pod!~api-.*",
        })
        public String selector;

        MemoryIndex index;
        Matcher[] matchers;

        @Setup(Level.Trial)
        public void setUp() {
            index = new MemoryIndex(BenchData.labels(new SeriesModel(100_000, 1)));
            String[] parts = selector.split(",");
            matchers = new Matcher[parts.length];
            for (int i = 0; i < parts.length; i++) {
                matchers[i] = parse(parts[i]);
            }
        }
    }

    /** Parses {@code name=v}, {@code name!=v}, {@code name=~re}, {@code name!~re}. */
    static Matcher parse(String s) {
        for (Matcher.Type type : new Matcher.Type[] {Matcher.Type.NOT_REGEX, Matcher.Type.REGEX, Matcher.Type.NOT_EQUAL}) {
            int i = s.indexOf(type.symbol());
            if (i > 0) {
                return Matcher.of(type, s.substring(0, i), s.substring(i + type.symbol().length()));
            }
        }
        int i = s.indexOf('=');
        return Matcher.of(Matcher.Type.EQUAL, s.substring(0, i), s.substring(i + 1));
    }

    @Benchmark
    public int matchValues(SingleMatcher st) {
        int n = 0;
        List<String> values = st.values;
        for (int i = 0; i < values.size(); i++) {
            if (st.single.matches(values.get(i))) {
                n++;
            }
        }
        return n;
    }

    @Benchmark
    public long[] select(Selector st) {
        return PostingsForMatchers.select(st.index, st.matchers);
    }
}
