package dev.sextant.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.api.http.ApiRequest;
import dev.sextant.api.http.ApiResponse;
import dev.sextant.promql.engine.EngineOptions;
import dev.sextant.promql.engine.QueryEngine;
import dev.sextant.tsdb.memory.MemoryStorage;
import dev.sextant.tsdb.storage.Querier;
import dev.sextant.tsdb.storage.Queryable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** --query.max-concurrency: a query waits for a free slot, and times out in the queue. */
class QueryConcurrencyTest {
    @Test
    void secondQueryWaitsForTheSlotAndTimesOutInTheQueue() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        CountDownLatch inQuery = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Queryable blocking = (mint, maxt) -> {
            inQuery.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Querier q = storage.querier(mint, maxt);
            return q;
        };
        QueryApi api = new QueryApi(new QueryEngine(EngineOptions.DEFAULTS), blocking, () -> 1000, (k, n) -> { }, 1);
        CompletableFuture<ApiResponse> first = CompletableFuture.supplyAsync(() -> handle(api, "up", null));
        assertThat(inQuery.await(60, TimeUnit.SECONDS)).isTrue();
        ApiResponse second = handle(api, "up", "200ms");
        assertThat(second.status()).isEqualTo(503);
        assertThat(second.bodyAsString()).contains("\"errorType\":\"timeout\"");
        release.countDown();
        assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(handle(api, "up", "1s").status()).isEqualTo(200);
    }

    private static ApiResponse handle(QueryApi api, String query, String timeout) {
        try {
            Map<String, List<String>> params = timeout == null ? Map.of("query", List.of(query))
                    : Map.of("query", List.of(query), "timeout", List.of(timeout));
            return api.instant().handle(ApiRequest.of("GET", "/api/v1/query", params));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
