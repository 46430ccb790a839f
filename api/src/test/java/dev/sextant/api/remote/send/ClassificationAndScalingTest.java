package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry/drop rules of the remote-write spec and Prometheus's shard calculation. */
class ClassificationAndScalingTest {
    @ParameterizedTest(name = "{0} retry429={1} -> {2}")
    @CsvSource({
        "200, false, SENT", "204, false, SENT",
        "400, false, DROP", "401, false, DROP", "404, false, DROP", "413, false, DROP", "415, false, DROP",
        "429, false, DROP", "429, true, RETRY",
        "500, false, RETRY", "502, true, RETRY", "503, false, RETRY",
        "301, false, DROP"
    })
    void statusClassification(int status, boolean retry429, HttpSender.Outcome expected) {
        assertThat(HttpSender.classify(status, retry429)).isEqualTo(expected);
    }

    @Test
    void retryAfterInSecondsOrAsDate() {
        assertThat(HttpSender.retryAfterMillis("7", 0)).isEqualTo(7_000);
        assertThat(HttpSender.retryAfterMillis(null, 0)).isZero();
        assertThat(HttpSender.retryAfterMillis("soon", 0)).isZero();
        long now = java.time.ZonedDateTime.parse("Wed, 21 Oct 2026 07:28:00 GMT",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertThat(HttpSender.retryAfterMillis("Wed, 21 Oct 2026 07:28:30 GMT", now)).isEqualTo(30_000);
    }

    @Test
    void noChangeWhileNothingGetsOut() {
        assertThat(ShardScaler.desired(4, 1, 50, 10_000, 0, 0, 0, 120)).isEqualTo(4);
    }

    @Test
    void scalesUpWhenSendingCannotKeepUp() {
        // 10k samples/s in, each sample takes 0.5 ms to send: 5 shards needed to keep up.
        int d = ShardScaler.desired(1, 1, 50, 10_000, 2_000, 0, 1.0, 0);
        assertThat(d).isEqualTo(5);
    }

    @Test
    void backlogAddsShardsToCatchUp() {
        int noLag = ShardScaler.desired(1, 1, 50, 10_000, 2_000, 0, 1.0, 0);
        int lag = ShardScaler.desired(1, 1, 50, 10_000, 2_000, 0, 1.0, 60);
        assertThat(lag).isGreaterThan(noLag);
    }

    @Test
    void smallChangesAreIgnoredAndBoundsHold() {
        // Needs 4.2 shards while running 4: within 30%, keep 4.
        assertThat(ShardScaler.desired(4, 1, 50, 4_200, 4_200, 0, 4.2, 0)).isEqualTo(4);
        assertThat(ShardScaler.desired(1, 1, 3, 100_000, 1_000, 0, 1.0, 0)).isEqualTo(3);
        assertThat(ShardScaler.desired(10, 2, 50, 10, 10, 0, 0.001, 0)).isEqualTo(2);
    }

    @Test
    void droppedSamplesDoNotCountAsWork() {
        // Half of what comes in is dropped by relabeling: only the kept half needs shards.
        int all = ShardScaler.desired(1, 1, 50, 10_000, 2_000, 0, 1.0, 0);
        int half = ShardScaler.desired(1, 1, 50, 10_000, 2_000, 2_000, 1.0, 0);
        assertThat(half).isLessThan(all);
    }

    @Test
    void ewmaTicksConverge() {
        ShardScaler s = new ShardScaler();
        int shards = 1;
        long in = 0;
        long out = 0;
        long nanos = 0;
        for (int i = 0; i < 20; i++) {
            in += 100_000; // 10k/s over a 10 s tick
            out += 20_000; // 2k/s get out with one shard
            nanos += 10_000_000_000L; // that shard is busy all the time
            shards = s.tick(shards, 1, 50, in, out, 0, nanos, 1000, 1000);
        }
        assertThat(shards).isEqualTo(5);
    }
}
