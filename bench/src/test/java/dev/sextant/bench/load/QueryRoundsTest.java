package dev.sextant.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runner's schedule and bookkeeping, against scripted servers on a fake clock. */
class QueryRoundsTest {
    /** A scripted server: per request name, the latency (ms) and status of each call in order. */
    private static final class Scripted {
        final String name;
        final long[] clock;
        final List<String> log;
        final Map<String, double[]> ms = new HashMap<>();
        final Map<String, int[]> status = new HashMap<>();
        final Map<String, Integer> calls = new HashMap<>();

        Scripted(String name, long[] clock, List<String> log) {
            this.name = name;
            this.clock = clock;
            this.log = log;
        }

        QueryRounds.Target target() {
            return new QueryRounds.Target(name, (path, form) -> {
                int i = calls.merge(form, 1, Integer::sum) - 1;
                double[] script = ms.get(form);
                clock[0] += Math.round((i < script.length ? script[i] : 1.0) * 1e6);
                int st = status.containsKey(form) && i < status.get(form).length ? status.get(form)[i] : 200;
                log.add(name + " " + form);
                byte[] body = (name + ":" + form).getBytes(StandardCharsets.UTF_8);
                return new KeepAliveClient.Response(st, body);
            });
        }
    }

    private static final List<QueryRounds.Request> TWO = List.of(
            new QueryRounds.Request("q1", "instant", "/api/v1/query", "q1"),
            new QueryRounds.Request("q2", "range", "/api/v1/query_range", "q2"));

    @Test
    void medianOfRoundMediansSkipsWarmUpAndErrors() throws Exception {
        long[] clock = {0};
        List<String> log = new ArrayList<>();
        Scripted a = new Scripted("a", clock, log);
        Scripted b = new Scripted("b", clock, log);
        // 2 warm-up calls (1 s each: counted anywhere, they would dominate), then 3 rounds x 3.
        a.ms.put("q1", new double[] {1000, 1000, 5, 1, 3, 2, 2, 9, 7, 8, 6});
        a.ms.put("q2", new double[] {1000, 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        b.ms.put("q1", new double[] {1000, 1000, 10, 10, 10, 20, 20, 20, 30, 30, 30});
        b.ms.put("q2", new double[] {1000, 1000, 4, 4, 4, 4, 0.1, 6, 4, 4, 4});
        b.status.put("q2", new int[] {200, 200, 200, 200, 200, 200, 500, 200, 200, 200, 200});
        QueryRounds rounds = new QueryRounds(List.of(a.target(), b.target()), TWO, 2, 3, 3, 42, () -> clock[0]);
        QueryRounds.Cell[][] cells = rounds.run();

        assertThat(rounds.requestsSent()).isEqualTo(2L * 2 * (2 + 3 * 3));
        QueryRounds.Cell aq1 = cells[0][0];
        assertThat(aq1.roundMedianMs).containsExactly(3.0, 2.0, 7.0);
        assertThat(aq1.medianMs()).isEqualTo(3.0);
        assertThat(aq1.minRoundMs()).isEqualTo(2.0);
        assertThat(aq1.maxRoundMs()).isEqualTo(7.0);
        assertThat(aq1.all.count()).isEqualTo(9);
        assertThat(cells[1][0].medianMs()).isEqualTo(20.0);
        // b/q2 round 2: one 500 answer; the round's median is over the two good ones (4 and 6).
        QueryRounds.Cell bq2 = cells[1][1];
        assertThat(bq2.roundMedianMs[1]).isCloseTo(5.0, within(1e-9));
        assertThat(bq2.errors).isEqualTo(1);
        assertThat(bq2.all.count()).isEqualTo(8);
        assertThat(bq2.medianMs()).isEqualTo(4.0);
        assertThat(new String(bq2.lastBody, StandardCharsets.UTF_8)).isEqualTo("b:q2");
        assertThat(bq2.bodyChanges).isZero();
        assertThat(bq2.bytesRead).isEqualTo(9L * 4);
    }

    @Test
    void eachRoundGivesEveryServerItsRequestsBackToBackInShuffledOrder() throws Exception {
        long[] clock = {0};
        List<String> log = new ArrayList<>();
        List<Scripted> servers = List.of(new Scripted("a", clock, log), new Scripted("b", clock, log),
                new Scripted("c", clock, log));
        for (Scripted s : servers) {
            s.ms.put("q1", new double[0]);
            s.ms.put("q2", new double[0]);
        }
        int warmup = 1;
        int nRounds = 20;
        int repeat = 4;
        new QueryRounds(servers.stream().map(Scripted::target).toList(), TWO, warmup, nRounds, repeat, 7,
                () -> clock[0]).run();
        // Warm-up: each request once per server; then per round and request 3 blocks of `repeat`.
        int groups = TWO.size() * nRounds;
        assertThat(log).hasSize(3 * TWO.size() * warmup + groups * 3 * repeat);
        List<String> timed = log.subList(3 * TWO.size() * warmup, log.size());
        Map<String, Integer> firstCount = new LinkedHashMap<>();
        for (int g = 0; g < groups; g++) {
            List<String> group = timed.subList(g * 3 * repeat, (g + 1) * 3 * repeat);
            String form = TWO.get(g % TWO.size()).form();
            List<String> seen = new ArrayList<>();
            for (int blk = 0; blk < 3; blk++) {
                String first = group.get(blk * repeat);
                assertThat(first).endsWith(" " + form);
                for (int i = 1; i < repeat; i++) {
                    assertThat(group.get(blk * repeat + i)).isEqualTo(first);
                }
                seen.add(first.substring(0, 1));
            }
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
            firstCount.merge(seen.get(0), 1, Integer::sum);
        }
        // Order is random, not fixed: with 40 groups every server comes first sometimes.
        assertThat(firstCount).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void tableRatiosAndCountOfMetQueries() {
        QueryRounds.Cell fast = new QueryRounds.Cell(2);
        fast.roundMedianMs[0] = 1;
        fast.roundMedianMs[1] = 2;
        QueryRounds.Cell slow = new QueryRounds.Cell(2);
        slow.roundMedianMs[0] = 4;
        slow.roundMedianMs[1] = 4;
        QueryRounds.Request r1 = TWO.get(0);
        QueryRounds.Request r2 = TWO.get(1);
        Map<String, List<QuerySetRunner.Outcome>> by = new LinkedHashMap<>();
        by.put("prometheus", List.of(QuerySetRunner.outcome(r1, slow, null), QuerySetRunner.outcome(r2, slow, null)));
        by.put("new", List.of(QuerySetRunner.outcome(r1, fast, null), QuerySetRunner.outcome(r2, slow, null)));
        String t = QuerySetRunner.table(by, "prometheus");
        assertThat(t).contains("| q1 | instant | 4.00 | 4.00–4.00 | 1.50 | **0.38** | 1.00–2.00 |")
                .contains("| q2 | range | 4.00 | 4.00–4.00 | 4.00 | 1.00 | 4.00–4.00 |")
                .contains("new: <= 0.5x prometheus on 1 of 2, median ratio 0.69");
    }
}
