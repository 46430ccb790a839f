package dev.sextant.api.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {

    static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesBasicCredentialsLikeGo() {
        assertThat(BasicAuthenticator.parse(header("alice", "pa:ss"))).isEqualTo(new BasicAuthenticator.Credentials("alice", "pa:ss"));
        assertThat(BasicAuthenticator.parse("basic " + Base64.getEncoder().encodeToString("a:b".getBytes())))
                .isEqualTo(new BasicAuthenticator.Credentials("a", "b"));
        assertThat(BasicAuthenticator.parse(null)).isNull();
        assertThat(BasicAuthenticator.parse("Bearer abc")).isNull();
        assertThat(BasicAuthenticator.parse("Basic !!!")).isNull();
        assertThat(BasicAuthenticator.parse("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes()))).isNull();
    }

    @Test
    void bcryptRunsOncePerDistinctCredentialThenTheCacheAnswers() {
        Map<String, String> users = Map.of("alice", Bcrypt.hash("secret", 4));
        try (BasicAuthenticator auth = new BasicAuthenticator()) {
            BasicAuthenticator.Credentials good = new BasicAuthenticator.Credentials("alice", "secret");
            BasicAuthenticator.Credentials bad = new BasicAuthenticator.Credentials("alice", "wrong");
            assertThat(auth.cached(users, good)).isNull();
            assertThat(auth.verifyNow(users, good)).isTrue();
            assertThat(auth.verifyNow(users, bad)).isFalse();
            long runs = auth.bcryptRuns();
            assertThat(runs).isEqualTo(2);
            for (int i = 0; i < 50; i++) {
                assertThat(auth.verifyNow(users, good)).isTrue();
                assertThat(auth.verifyNow(users, bad)).isFalse();
            }
            assertThat(auth.bcryptRuns()).isEqualTo(runs);
            assertThat(auth.cached(users, good)).isTrue();
            // A changed hash for the same user (file edited) is a new key: the old answer does not apply.
            Map<String, String> changed = Map.of("alice", Bcrypt.hash("other", 4));
            assertThat(auth.cached(changed, good)).isNull();
            assertThat(auth.verifyNow(changed, good)).isFalse();
        }
    }

    @Test
    void unknownUsersAreRejectedAfterABcryptAgainstADecoy() {
        Map<String, String> users = Map.of("alice", Bcrypt.hash("secret", 4));
        try (BasicAuthenticator auth = new BasicAuthenticator()) {
            assertThat(auth.verifyNow(users, new BasicAuthenticator.Credentials("mallory", "secret"))).isFalse();
            assertThat(auth.bcryptRuns()).isEqualTo(1);
            // Even if the decoy's password were guessed, an unknown user never passes.
            assertThat(auth.verifyNow(users, new BasicAuthenticator.Credentials("mallory", "decoy password for unknown users"))).isFalse();
        }
    }

    @Test
    void hashChecksFollowGo() {
        assertThat(Bcrypt.hashProblem(Bcrypt.hash("x", 4))).isNull();
        // htpasswd writes $2y$, Go $2a$: both work.
        assertThat(Bcrypt.hashProblem("$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze")).isNull();
        assertThat(Bcrypt.matches("secret", Bcrypt.hash("secret", 4).replace("$2a$", "$2y$"))).isTrue();
        assertThat(Bcrypt.hashProblem("$2a$03$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze")).contains("outside allowed");
        assertThat(Bcrypt.hashProblem("short")).contains("too short");
        String h = Bcrypt.hash("a".repeat(72), 4);
        assertThat(Bcrypt.matches("a".repeat(72), h)).isTrue();
        assertThat(Bcrypt.matches("a".repeat(73), h)).as("over bcrypt's 72 bytes never matches, as in Go").isFalse();
    }

    @Test
    void rateLimiterIsATokenBucket() {
        RateLimiter r = new RateLimiter(java.time.Duration.ofSeconds(1), 2, 0);
        assertThat(r.tryAcquire(0)).isTrue();
        assertThat(r.tryAcquire(0)).isTrue();
        assertThat(r.tryAcquire(0)).isFalse();
        assertThat(r.tryAcquire(500_000_000L)).isFalse();
        assertThat(r.tryAcquire(1_000_000_000L)).isTrue();
        assertThat(r.tryAcquire(10_000_000_000L)).isTrue();
        assertThat(r.tryAcquire(10_000_000_000L)).isTrue();
        assertThat(r.tryAcquire(10_000_000_000L)).as("burst caps the refill").isFalse();
    }
}
