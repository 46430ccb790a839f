package dev.sextant.api.remote.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sextant.scrape.relabel.RelabelAction;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RemoteWriteConfigParserTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<RemoteWriteConfig> parse(String yaml) throws Exception {
        JsonNode tree = YAML.readTree(yaml);
        return RemoteWriteConfigParser.parse(tree.get("remote_write"), Path.of("/etc/sextant"));
    }

    @Test
    void defaultsArePrometheuss() throws Exception {
        RemoteWriteConfig c = parse("remote_write:\n  - url: http://vm:8428/api/v1/write\n").get(0);
        assertThat(c.remoteTimeoutMs()).isEqualTo(30_000);
        assertThat(c.protocol()).isEqualTo(1);
        assertThat(c.queue()).isEqualTo(new RemoteWriteConfig.QueueConfig(10_000, 1, 50, 2_000, 5_000, 30, 5_000, false, 0));
        assertThat(c.metadata()).isEqualTo(new RemoteWriteConfig.MetadataConfig(true, 60_000, 2_000));
        assertThat(c.name()).as("unnamed queues get 6 hex digits of the config hash").matches("[0-9a-f]{6}");
        assertThat(c.http().enableHttp2()).as("remote write uses HTTP/1.1 by default").isFalse();
    }

    @Test
    void everyDocumentedFieldIsRead() throws Exception {
        RemoteWriteConfig c = parse("""
                remote_write:
                  - url: https://mimir:9009/api/v1/push
                    name: mimir
                    remote_timeout: 10s
                    headers: {X-Scope-OrgID: team-a}
                    basic_auth: {username: u, password_file: secrets/pw}
                    tls_config: {ca_file: ca.pem, insecure_skip_verify: false, server_name: mimir.local}
                    protobuf_message: io.prometheus.write.v2.Request
                    write_relabel_configs:
                      - source_labels: [__name__]
                        regex: go_.*
                        action: drop
                    queue_config:
                      capacity: 2500
                      min_shards: 2
                      max_shards: 8
                      max_samples_per_send: 500
                      batch_send_deadline: 2s
                      min_backoff: 50ms
                      max_backoff: 10s
                      retry_on_http_429: true
                    metadata_config: {send: false, send_interval: 2m, max_samples_per_send: 100}
                """).get(0);
        assertThat(c.name()).isEqualTo("mimir");
        assertThat(c.remoteTimeoutMs()).isEqualTo(10_000);
        assertThat(c.headers()).containsEntry("X-Scope-OrgID", "team-a");
        assertThat(c.http().basicAuth().passwordFile()).isEqualTo("/etc/sextant/secrets/pw");
        assertThat(c.http().tls().caFile()).isEqualTo("/etc/sextant/ca.pem");
        assertThat(c.http().tls().serverName()).isEqualTo("mimir.local");
        assertThat(c.protocol()).isEqualTo(2);
        assertThat(c.writeRelabel()).hasSize(1);
        assertThat(c.writeRelabel().get(0).action()).isEqualTo(RelabelAction.DROP);
        assertThat(c.queue()).isEqualTo(new RemoteWriteConfig.QueueConfig(2500, 2, 8, 500, 2_000, 50, 10_000, true, 0));
        assertThat(c.metadata()).isEqualTo(new RemoteWriteConfig.MetadataConfig(false, 120_000, 100));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key              | - {url: 'http://a/w', urll: x}                                     | field urll not found in type config.RemoteWriteConfig
            unknown queue key        | - {url: 'http://a/w', queue_config: {max_shard: 3}}                | field max_shard not found in type config.QueueConfig
            missing url              | - {name: a}                                                        | url for remote_write is empty
            bad scheme               | - {url: 'ftp://a/w'}                                               | scheme must be http or https
            bad duration             | - {url: 'http://a/w', remote_timeout: 10 parsecs}                  | not a valid duration string
            zero timeout             | - {url: 'http://a/w', remote_timeout: 0s}                          | remote_timeout must be greater than 0
            bad int                  | - {url: 'http://a/w', queue_config: {capacity: lots}}              | cannot unmarshal lots into int
            min above max shards     | - {url: 'http://a/w', queue_config: {min_shards: 9, max_shards: 3}} | must not exceed max_shards
            backoff order            | - {url: 'http://a/w', queue_config: {min_backoff: 10s, max_backoff: 1s}} | min_backoff must be positive and not exceed max_backoff
            reserved header          | - {url: 'http://a/w', headers: {Content-Type: text/plain}}         | Content-Type is a reserved header
            unknown protobuf message | - {url: 'http://a/w', protobuf_message: foo.Bar}                   | unknown remote write protobuf message foo.Bar
            two auths                | - {url: 'http://a/w', basic_auth: {username: u}, authorization: {credentials: c}} | at most one of basic_auth, oauth2 & authorization
            basic as authorization   | - {url: 'http://a/w', authorization: {type: Basic, credentials: c}} | use "basic_auth" instead
            bad relabel action       | - {url: 'http://a/w', write_relabel_configs: [{action: explode}]}  | unknown relabel action "explode"
            bad relabel regex        | - {url: 'http://a/w', write_relabel_configs: [{regex: '(', action: keep, source_labels: [a]}]} | invalid regex
            oauth2 refused           | - {url: 'http://a/w', oauth2: {client_id: x}}                      | oauth2 is not supported
            bad bool                 | - {url: 'http://a/w', queue_config: {retry_on_http_429: maybe}}    | cannot unmarshal maybe into bool
            not a list               | {url: 'http://a/w'}                                                | expected a list
            """)
    void invalidConfigsAreRejectedWithAReason(String name, String entries, String message) {
        assertThatThrownBy(() -> parse("remote_write:\n  " + entries.replace("\n", "\n  ")))
                .isInstanceOf(RemoteWriteConfigParser.InvalidConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void duplicateNamesAndDuplicateConfigsAreRejected() {
        assertThatThrownBy(() -> parse("""
                remote_write:
                  - {url: 'http://a/w', name: q}
                  - {url: 'http://b/w', name: q}
                """)).hasMessageContaining("found multiple remote write configs with job name \"q\"");
        assertThatThrownBy(() -> parse("""
                remote_write:
                  - {url: 'http://a/w'}
                  - {url: 'http://a/w'}
                """)).hasMessageContaining("duplicate remote write configs are not allowed");
    }
}
