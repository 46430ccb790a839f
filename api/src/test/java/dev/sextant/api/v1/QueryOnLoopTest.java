package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.api.http.Handler;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.storage.Appender;
import dev.sextant.tsdb.storage.Queryable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The query endpoints on the HTTP event loop ({@link ApiRequest#onEventLoop()}): a quick query
 * answers there, byte-identical to a worker's answer; a query past the budget, a busy gate or a
 * large answer hand off (the slow query is then handed off at once, without evaluating).
 */
class QueryOnLoopTest {
    private static MemoryStorage storage(int series, int points) throws Exception {
        MemoryStorage storage = new MemoryStorage();
        Appender app = storage.appender();
        for (int s = 0; s < series; s++) {
            Labels l = Labels.of("__name__", "up", "instance", "i" + s, "job", "j");
            for (int p = 0; p < points; p++) {
                app.append(0, l, p * 15_000L, s * 0.5 + p / 3.0);
            }
        }
        app.commit();
        return storage;
    }

    private static ApiRequest request(String path, boolean onLoop, String... kv) {
        java.util.LinkedHashMap<String, List<String>> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], List.of(kv[i + 1]));
        }
        return ApiRequest.of("POST", path, params).onEventLoop(onLoop);
    }

    @Test
    void aQuickQueryAnswersOnTheLoopAsOnAWorker() throws Exception {
        MemoryStorage storage = storage(20, 20);
        AtomicInteger observed = new AtomicInteger();
        QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), storage, () -> 300_000,
                (k, n) -> observed.incrementAndGet(), 2).loopBudget(java.time.Duration.ofMinutes(1));
        ApiResponse loop = api.instant().handle(request("/api/v1/query", true, "query", "up", "time", "285"));
        ApiResponse worker = api.instant().handle(request("/api/v1/query", false, "query", "up", "time", "285"));
        assertThat(loop.status()).isEqualTo(200);
        assertThat(loop.bodyAsString()).isEqualTo(worker.bodyAsString()).contains("\"instance\":\"i19\"");
        ApiResponse range = api.range().handle(request("/api/v1/query_range", true, "query", "rate(up[1m])",
                "start", "0", "end", "285", "step", "15"));
        assertThat(range.bodyAsString()).isEqualTo(api.range().handle(request("/api/v1/query_range", false,
                "query", "rate(up[1m])", "start", "0", "end", "285", "step", "15")).bodyAsString());
        assertThat(observed.get()).isEqualTo(4);
    }

    @Test
    void aQueryPastTheBudgetHandsOffAndIsThenHandedOffAtOnce() throws Exception {
        MemoryStorage storage = storage(3, 20);
        AtomicLong sleepMs = new AtomicLong(20);
        AtomicInteger selects = new AtomicInteger();
        Queryable slow = (mint, maxt) -> {
            selects.incrementAndGet();
            try {
                Thread.sleep(sleepMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return storage.querier(mint, maxt);
        };
        AtomicInteger observed = new AtomicInteger();
        QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), slow, () -> 300_000,
                (k, n) -> observed.incrementAndGet(), 2);
        ApiRequest onLoop = request("/api/v1/query", true, "query", "up", "time", "285");
        assertThatThrownBy(() -> api.instant().handle(onLoop)).isInstanceOf(Handler.HandOff.class)
                .satisfies(e -> assertThat(((Handler.HandOff) e).response()).isNull());
        assertThat(selects.get()).isEqualTo(1);
        assertThat(observed.get()).as("a handed-off attempt is not a query latency").isZero();
        // Remembered: the next attempt on the loop hands off before touching storage.
        assertThatThrownBy(() -> api.instant().handle(onLoop)).isInstanceOf(Handler.HandOff.class);
        assertThat(selects.get()).isEqualTo(1);
        // The same text as a range query is a different query: it gets its own budget.
        assertThatThrownBy(() -> api.range().handle(request("/api/v1/query_range", true, "query", "up",
                "start", "0", "end", "285", "step", "15"))).isInstanceOf(Handler.HandOff.class);
        assertThat(selects.get()).isEqualTo(2);
        // After SLOW_ON_LOOP_SKIPS hand-offs it gets another try on the loop (still slow: handed off again).
        for (int i = 1; i < QueryApi.SLOW_ON_LOOP_SKIPS; i++) {
            assertThatThrownBy(() -> api.instant().handle(onLoop)).isInstanceOf(Handler.HandOff.class);
        }
        assertThat(selects.get()).isEqualTo(2);
        sleepMs.set(0);
        api.loopBudget(java.time.Duration.ofMinutes(1));
        assertThat(api.instant().handle(onLoop).status()).as("quick again: answered on the loop").isEqualTo(200);
        assertThat(selects.get()).isEqualTo(3);
        assertThat(api.instant().handle(onLoop).status()).isEqualTo(200);
        assertThat(selects.get()).isEqualTo(4);
        sleepMs.set(20);
        api.loopBudget(QueryApi.LOOP_BUDGET);
        // On a worker the slow query runs to the end.
        ApiResponse worker = api.instant().handle(request("/api/v1/query", false, "query", "up", "time", "285"));
        assertThat(worker.status()).isEqualTo(200);
        assertThat(worker.bodyAsString()).contains("\"instance\":\"i2\"");
        assertThat(observed.get()).isEqualTo(3);
        // A quick query (a different text) on the same API still answers on the loop.
        sleepMs.set(0);
        api.loopBudget(java.time.Duration.ofMinutes(1));
        assertThat(api.instant().handle(request("/api/v1/query", true, "query", "up{instance=\"i1\"}", "time", "285"))
                .status()).isEqualTo(200);
    }

    @Test
    void aBusyGateHandsOffInsteadOfWaitingOnTheLoop() throws Exception {
        MemoryStorage storage = storage(2, 5);
        CountDownLatch inQuery = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Queryable blocking = (mint, maxt) -> {
            if (Thread.currentThread().getName().startsWith("blocker")) {
                inQuery.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return storage.querier(mint, maxt);
        };
        QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), blocking, () -> 300_000, (k, n) -> { }, 1)
                .loopBudget(java.time.Duration.ofMinutes(1));
        CompletableFuture<ApiResponse> first = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                first.complete(api.instant().handle(request("/api/v1/query", false, "query", "up", "time", "60")));
            } catch (Exception e) {
                first.completeExceptionally(e);
            }
        }, "blocker");
        t.start();
        assertThat(inQuery.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> api.instant().handle(request("/api/v1/query", true, "query", "up", "time", "60")))
                .isInstanceOf(Handler.HandOff.class);
        assertThat(System.nanoTime() - t0).as("no wait for the slot").isLessThan(TimeUnit.SECONDS.toNanos(1));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(api.instant().handle(request("/api/v1/query", true, "query", "up", "time", "60")).status())
                .isEqualTo(200);
    }

    @Test
    void aLargeAnswerIsHandedOffComputed() throws Exception {
        // 1,000 series x 20 steps = 20,000 points, over LOOP_MAX_POINTS.
        MemoryStorage storage = storage(1_000, 20);
        QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), storage, () -> 300_000, (k, n) -> { }, 2)
                .loopBudget(java.time.Duration.ofMinutes(1));
        ApiRequest big = request("/api/v1/query_range", true, "query", "up", "start", "0", "end", "285", "step", "15",
                "timeout", "2m");
        ApiResponse computed;
        try {
            api.range().handle(big);
            throw new AssertionError("expected a hand-off");
        } catch (Handler.HandOff h) {
            computed = h.response();
        }
        assertThat(computed).as("handed off with the computed answer").isNotNull();
        ApiResponse worker = api.range().handle(request("/api/v1/query_range", false, "query", "up", "start", "0",
                "end", "285", "step", "15"));
        assertThat(QueryApi.points(dev.sextant.promql.value.Matrix.class.cast(
                new QueryEngine(EngineOptions.DEFAULTS).rangeQuery(storage, "up", 0, 285_000, 15_000,
                        dev.sextant.promql.engine.QueryOptions.DEFAULTS).value()))).isEqualTo(20_000);
        assertThat(computed.bodyAsString()).isEqualTo(worker.bodyAsString());
        // A small answer from the same data stays on the loop.
        assertThat(api.range().handle(request("/api/v1/query_range", true, "query", "up{instance=\"i7\"}",
                "start", "0", "end", "285", "step", "15")).status()).isEqualTo(200);
    }

}
