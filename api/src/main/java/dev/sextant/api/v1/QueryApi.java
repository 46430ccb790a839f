package dev.sextant.api.v1;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.Printer;
import dev.sextant.promql.engine.OverBudgetException;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.promql.engine.QueryException;
import dev.sextant.promql.engine.QueryOptions;
import dev.sextant.promql.engine.QueryResult;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.promql.value.Matrix;
import dev.sextant.promql.value.Sample;
import dev.sextant.promql.value.SeriesPoints;
import dev.sextant.promql.value.Value;
import dev.sextant.promql.value.Vector;
import dev.sextant.tsdb.storage.Queryable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The query endpoints: {@code query}, {@code query_range}, {@code query_exemplars}.
 *
 * <p>Thread-safety: stateless apart from its collaborators, which are thread-safe.
 */
public final class QueryApi {
    /** Prometheus refuses range queries with more points than this per series. */
    static final long MAX_POINTS = 11_000;
    /**
     * Evaluation budget of a query started on the HTTP event loop ({@link Handler#loopFirst()}):
     * past it the query stops and runs again on a worker thread, so a long query holds up the other
     * connections of its event loop for at most about this long.
     */
    static final Duration LOOP_BUDGET = Duration.ofMillis(2);
    /**
     * Largest answer written from the event loop, in points (samples of a vector, points of a
     * matrix; ~30 bytes each). A larger one is streamed from a worker thread, which waits for a slow
     * client instead of buffering the whole answer.
     */
    static final long LOOP_MAX_POINTS = 16_384;
    /** Distinct query texts remembered as too long for the event loop before the memory is emptied. */
    static final int SLOW_ON_LOOP_MAX = 1024;
    /**
     * A query that ran past the budget goes straight to a worker this many times, then gets another
     * try on the loop (one pause or preemption must not demote a quick query for good).
     */
    static final int SLOW_ON_LOOP_SKIPS = 64;

    private final QueryEngine engine;
    private final Queryable storage;
    private final LongSupplier clock;
    private final QueryObserver observer;
    private final Semaphore gate;
    /**
     * Queries ("i"/"r" + text) that ran past {@link #LOOP_BUDGET} on the event loop, with the number of
     * times they still go straight to a worker: a dashboard's slow panel loses its budget once in
     * {@link #SLOW_ON_LOOP_SKIPS} refreshes, not on every one.
     */
    private final ConcurrentHashMap<String, AtomicInteger> slowOnLoop = new ConcurrentHashMap<>();
    /** {@link #LOOP_BUDGET}; tests set their own. */
    private volatile Duration loopBudget = LOOP_BUDGET;

    /** Receives the duration of each query (for the query latency histograms). */
    @FunctionalInterface
    public interface QueryObserver {
        void observe(String kind, long nanos);
    }

    public QueryApi(QueryEngine engine, Queryable storage, LongSupplier clockMillis, QueryObserver observer,
            int maxConcurrency) {
        this.engine = engine;
        this.storage = storage;
        this.clock = clockMillis;
        this.observer = observer;
        this.gate = new Semaphore(Math.max(1, maxConcurrency), true);
    }

    /**
     * Runs a query once one of the {@code --query.max-concurrency} slots is free; waiting counts
     * against the query's timeout, as in Prometheus's queue. {@code queueNanos[0]} receives the wait.
     */
    private QueryResult throttled(Duration timeout, long[] queueNanos, boolean onLoop,
            java.util.function.Supplier<QueryResult> query) throws ApiException {
        long waitMs = onLoop ? 0 : timeout != null ? timeout.toMillis() : engine.options().timeout().toMillis();
        long queued = System.nanoTime();
        try {
            if (!gate.tryAcquire(waitMs, TimeUnit.MILLISECONDS)) {
                if (onLoop) {
                    // The event loop never waits: queue on a worker thread instead.
                    throw new Handler.HandOff();
                }
                throw new ApiException(ErrorType.TIMEOUT, "query timed out in query execution (queue)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ErrorType.CANCELED, "query was canceled");
        }
        queueNanos[0] = System.nanoTime() - queued;
        try {
            return query.get();
        } finally {
            gate.release();
        }
    }

    /** {@code GET|POST /api/v1/query}. */
    public Handler instant() {
        return request -> guarded(() -> {
            String t = request.param("time");
            long time = t == null || t.isEmpty() ? clock.getAsLong() : Params.parseTime("time", t);
            QueryOptions options = options(request);
            int limit = Limit.of(request);
            String query = orEmpty(request.param("query"));
            boolean onLoop = request.onEventLoop();
            QueryOptions run = onLoop ? loopOptions("i", query, options) : options;
            long started = System.nanoTime();
            long[] queueNanos = new long[1];
            QueryResult result;
            boolean handedOff = false;
            try {
                result = throttled(options.timeout(), queueNanos, onLoop,
                        () -> engine.instantQuery(storage, query, time, run));
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            } catch (OverBudgetException | Handler.HandOff e) {
                handedOff = true;
                throw overBudget("i", query, e);
            } finally {
                if (!handedOff) {
                    observer.observe("instant", System.nanoTime() - started);
                }
            }
            return answer(onLoop, respond(result, limit, wantsStats(request), queueNanos[0],
                    System.nanoTime() - started), result);
        });
    }

    /** {@code GET|POST /api/v1/query_range}. */
    public Handler range() {
        return request -> guarded(() -> {
            long start = Params.parseTime("start", required(request, "start"));
            long end = Params.parseTime("end", required(request, "end"));
            if (end < start) {
                throw ApiException.invalidParam("end", "end timestamp must not be before start time");
            }
            long step = Params.parseDuration("step", required(request, "step"));
            if (step <= 0) {
                throw ApiException.invalidParam("step",
                        "zero or negative query resolution step widths are not accepted. Try a positive integer");
            }
            if ((end - start) / step > MAX_POINTS) {
                throw new ApiException(ErrorType.BAD_DATA,
                        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
                                + "resolution (?step=XX)");
            }
            QueryOptions options = options(request);
            int limit = Limit.of(request);
            String query = orEmpty(request.param("query"));
            boolean onLoop = request.onEventLoop();
            QueryOptions run = onLoop ? loopOptions("r", query, options) : options;
            long started = System.nanoTime();
            long[] queueNanos = new long[1];
            QueryResult result;
            boolean handedOff = false;
            try {
                result = throttled(options.timeout(), queueNanos, onLoop,
                        () -> engine.rangeQuery(storage, query, start, end, step, run));
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            } catch (OverBudgetException | Handler.HandOff e) {
                handedOff = true;
                throw overBudget("r", query, e);
            } finally {
                if (!handedOff) {
                    observer.observe("range", System.nanoTime() - started);
                }
            }
            return answer(onLoop, respond(result, limit, wantsStats(request), queueNanos[0],
                    System.nanoTime() - started), result);
        });
    }

    /**
     * {@code GET|POST /api/v1/query_exemplars}: Sextant keeps no exemplars yet, so every valid
     * request gets an empty list. The query and times are still validated like Prometheus does.
     */
    public Handler exemplars() {
        return request -> guarded(() -> {
            TimeRange.of(request);
            try {
                QueryParser.parse(orEmpty(request.param("query")));
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            }
            return Envelope.success(out -> {
                out.gen().writeStartArray();
                out.gen().writeEndArray();
            });
        });
    }

    /**
     * {@code GET|POST /api/v1/format_query}: the query in canonical form ({@code foo/bar} becomes
     * {@code foo / bar}, comments dropped). Long queries stay on one line (Prometheus breaks
     * queries longer than 100 characters over several lines).
     */
    public Handler format() {
        return request -> guarded(() -> {
            String q;
            try {
                q = Printer.format(QueryParser.parse(orEmpty(request.param("query"))));
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            }
            return Envelope.success(out -> out.gen().writeString(q));
        });
    }

    /**
     * {@code GET|POST /api/v1/parse_query}: the query's syntax tree as JSON ({@link AstJson}), or
     * the parse error in the {@code bad_data} envelope like {@code format_query}.
     */
    public Handler parse() {
        return request -> guarded(() -> {
            String query = orEmpty(request.param("query"));
            Expr expr;
            try {
                expr = QueryParser.parse(query);
            } catch (ParseException e) {
                throw ApiException.invalidParam("query", e.getMessage());
            }
            return Envelope.success(out -> AstJson.write(out.gen(), expr, query));
        });
    }

    /**
     * The options of a query started on the event loop: with {@link #LOOP_BUDGET}; or, for a query
     * that ran past it before, none: it goes to a worker thread at once.
     */
    private QueryOptions loopOptions(String kind, String query, QueryOptions options) {
        String key = kind + query;
        AtomicInteger skips = slowOnLoop.get(key);
        if (skips != null) {
            if (skips.decrementAndGet() >= 0) {
                throw new Handler.HandOff();
            }
            slowOnLoop.remove(key, skips);
        }
        return options.withBudget(loopBudget);
    }

    /** For tests: the event loop's evaluation budget. */
    QueryApi loopBudget(Duration budget) {
        this.loopBudget = budget;
        return this;
    }

    /** Remembers a query that ran past its budget on the event loop; the hand-off to throw. */
    private RuntimeException overBudget(String kind, String query, RuntimeException e) {
        if (e instanceof OverBudgetException) {
            if (slowOnLoop.size() >= SLOW_ON_LOOP_MAX) {
                slowOnLoop.clear();
            }
            slowOnLoop.put(kind + query, new AtomicInteger(SLOW_ON_LOOP_SKIPS));
            return new Handler.HandOff();
        }
        return e;
    }

    /** On the event loop, an answer of more than {@link #LOOP_MAX_POINTS} is streamed from a worker thread. */
    private static ApiResponse answer(boolean onLoop, ApiResponse response, QueryResult result) {
        if (onLoop && points(result.value()) > LOOP_MAX_POINTS) {
            throw new Handler.HandOff(response);
        }
        return response;
    }

    static long points(Value value) {
        if (value instanceof Matrix m) {
            long n = 0;
            for (SeriesPoints s : m.series()) {
                n += s.count();
            }
            return n;
        }
        if (value instanceof Vector v) {
            return v.samples().size();
        }
        return 1;
    }

    private static QueryOptions options(ApiRequest request) throws ApiException {
        Duration timeout = null;
        String t = request.param("timeout");
        if (t != null && !t.isEmpty()) {
            timeout = Duration.ofMillis(Params.parseDuration("timeout", t));
        }
        Duration lookback = null;
        String l = request.param("lookback_delta");
        if (l != null && !l.isEmpty()) {
            lookback = Duration.ofMillis(Params.parseDuration("lookback_delta", l));
        }
        return new QueryOptions(lookback, timeout, null, "all".equals(request.param("stats")));
    }

    /** Prometheus adds {@code data.stats} for any non-empty {@code stats}; {@code all} adds per-step counts. */
    private static boolean wantsStats(ApiRequest request) {
        String s = request.param("stats");
        return s != null && !s.isEmpty();
    }

    private static ApiResponse respond(QueryResult result, int limit, boolean stats, long queueNanos,
            long execTotalNanos) {
        Value value = result.value();
        List<String> warnings = result.warnings();
        if (limit > 0) {
            if (value instanceof Vector v && v.samples().size() > limit) {
                value = new Vector(new ArrayList<Sample>(v.samples().subList(0, limit)));
                warnings = withTruncation(warnings);
            } else if (value instanceof Matrix m && m.series().size() > limit) {
                value = new Matrix(new ArrayList<SeriesPoints>(m.series().subList(0, limit)));
                warnings = withTruncation(warnings);
            }
        }
        Value finalValue = value;
        if (!stats) {
            return Envelope.success(out -> ResultEncoder.write(out, finalValue), warnings, result.infos());
        }
        return Envelope.success(out -> ResultEncoder.write(out, finalValue,
                g -> StatsJson.write(g, result.stats(), queueNanos, execTotalNanos)), warnings, result.infos());
    }

    private static List<String> withTruncation(List<String> warnings) {
        List<String> w = new ArrayList<>(warnings);
        w.add(Limit.TRUNCATED);
        return w;
    }

    private static String required(ApiRequest r, String name) throws ApiException {
        String v = r.param(name);
        if (v == null || v.isEmpty()) {
            throw ApiException.invalidParam(name, "cannot parse \"\" to a valid "
                    + (name.equals("step") ? "duration" : "timestamp"));
        }
        return v;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A handler body that may fail with an {@link ApiException} or a {@link QueryException}. */
    @FunctionalInterface
    interface Body {
        ApiResponse run() throws ApiException;
    }

    static ApiResponse guarded(Body body) {
        try {
            return body.run();
        } catch (ApiException e) {
            return Envelope.error(e);
        } catch (QueryException e) {
            return Envelope.error(Errors.typeOf(e), e.getMessage());
        } catch (StackOverflowError e) {
            // Only absurdly deep nesting (thousands of parentheses) gets here; refuse it as bad input.
            return Envelope.error(ErrorType.BAD_DATA, "invalid parameter \"query\": expression nesting is too deep");
        }
    }
}
