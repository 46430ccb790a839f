package dev.sextant.api.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sextant.api.app.ServerOptions;
import dev.sextant.api.app.SextantServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/scaling.md's recipe: three Sextant replicas with the same target list and hashmod
 * relabeling split the targets between them, with no target scraped twice and none left out.
 */
class ShardingTest {
    static final int REPLICAS = 3;
    static final int TARGETS = 24;

    @TempDir
    Path dir;

    @Test
    void hashmodSplitsTargetsWithoutOverlapOrGap() throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", ex -> {
            byte[] body = "demo 1\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        List<SextantServer> servers = new ArrayList<>();
        try {
            for (int shard = 0; shard < REPLICAS; shard++) {
                StringBuilder groups = new StringBuilder();
                for (int t = 0; t < TARGETS; t++) {
                    groups.append("      - targets: [\"127.0.0.1:").append(target.getAddress().getPort())
                            .append("\"]\n        labels:\n          shard_key: t").append(t).append('\n');
                }
                Path config = dir.resolve("shard" + shard + ".yml");
                Files.writeString(config, """
                        scrape_configs:
                          - job_name: sharded
                            scrape_interval: 1h
                            static_configs:
                        %s    relabel_configs:
                              - source_labels: [shard_key]
                                modulus: %d
                                target_label: __tmp_hash
                                action: hashmod
                              - source_labels: [__tmp_hash]
                                regex: "%d"
                                action: keep
                        """.formatted(groups, REPLICAS, shard));
                servers.add(SextantServer.start(ServerOptions.defaults(dir.resolve("data" + shard), "127.0.0.1", 0)
                        .withConfigFile(config)));
            }
            Set<String> seen = new HashSet<>();
            ObjectMapper json = new ObjectMapper();
            long deadline = System.nanoTime() + 60_000_000_000L;
            List<Set<String>> perShard = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                perShard.clear();
                int total = 0;
                for (SextantServer s : servers) {
                    JsonNode j = json.readTree(new HttpFixture(s.port()).get("/api/v1/targets?state=active").body());
                    Set<String> keys = new HashSet<>();
                    for (JsonNode t : j.path("data").path("activeTargets")) {
                        keys.add(t.path("labels").path("shard_key").asText());
                    }
                    perShard.add(keys);
                    total += keys.size();
                }
                if (total >= TARGETS) {
                    break;
                }
                Thread.sleep(200);
            }
            for (int i = 0; i < perShard.size(); i++) {
                assertThat(perShard.get(i)).as("shard %d has some targets", i).isNotEmpty();
                for (String k : perShard.get(i)) {
                    assertThat(seen.add(k)).as("target %s scraped by only one shard", k).isTrue();
                }
            }
            assertThat(seen).as("every target has a shard").hasSize(TARGETS);
        } finally {
            for (SextantServer s : servers) {
                s.close();
            }
            target.stop(0);
        }
    }
}
