package dev.sextant.api.remote.send;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sextant.scrape.config.HttpClientConfig;
import dev.sextant.scrape.relabel.RelabelAction;
import dev.sextant.scrape.relabel.RelabelConfig;
import dev.sextant.tsdb.model.PromDuration;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the {@code remote_write} list of {@code prometheus.yml} strictly, like Prometheus: an
 * unknown key, a wrong type, a missing {@code url} or a duplicate {@code name} is an error whose
 * message names the entry and the field.
 *
 * <p>Thread-safety: stateless.
 */
public final class RemoteWriteConfigParser {
    private static final Set<String> KEYS = Set.of("url", "name", "remote_timeout", "headers",
            "write_relabel_configs", "queue_config", "metadata_config", "protobuf_message", "send_exemplars",
            "send_native_histograms", "round_robin_dns", "basic_auth", "authorization", "bearer_token",
            "bearer_token_file", "tls_config", "follow_redirects", "enable_http2", "http_headers",
            "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header",
            // Accepted by Prometheus; refused below with a clear message rather than ignored.
            "oauth2", "sigv4", "azuread", "google_iam");
    private static final Set<String> UNSUPPORTED = Set.of("oauth2", "sigv4", "azuread", "google_iam", "proxy_url",
            "no_proxy", "proxy_from_environment", "proxy_connect_header", "http_headers");
    private static final Set<String> QUEUE_KEYS = Set.of("capacity", "min_shards", "max_shards",
            "max_samples_per_send", "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429",
            "sample_age_limit");
    private static final Set<String> METADATA_KEYS = Set.of("send", "send_interval", "max_samples_per_send");
    /** Headers the protocol sets; users may not override them (Prometheus's list). */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "authorization", "content-encoding",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "retry-after", "x-prometheus-remote-write-version");

    private RemoteWriteConfigParser() {}

    /** Thrown for an invalid {@code remote_write} section; the message is Prometheus-like. */
    public static final class InvalidConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code remote_write} (a missing or null node means none).
     *
     * @param configDir directory that relative {@code *_file} paths are resolved against
     */
    public static List<RemoteWriteConfig> parse(JsonNode remoteWrite, Path configDir) throws InvalidConfigException {
        List<RemoteWriteConfig> out = new ArrayList<>();
        if (remoteWrite == null || remoteWrite.isMissingNode() || remoteWrite.isNull()) {
            return out;
        }
        if (!remoteWrite.isArray()) {
            throw new InvalidConfigException("remote_write: expected a list of remote write configurations");
        }
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        int i = 0;
        for (JsonNode n : remoteWrite) {
            String where = "remote_write[" + i++ + "]";
            RemoteWriteConfig c = one(n, where, configDir);
            String hash = hash(n);
            if (!hashes.add(hash)) {
                throw new InvalidConfigException("duplicate remote write configs are not allowed, found duplicate for URL: "
                        + c.url());
            }
            if (!names.add(c.name())) {
                throw new InvalidConfigException("found multiple remote write configs with job name \"" + c.name() + "\"");
            }
            out.add(c);
        }
        return List.copyOf(out);
    }

    private static RemoteWriteConfig one(JsonNode n, String where, Path dir) throws InvalidConfigException {
        if (!n.isObject()) {
            throw new InvalidConfigException(where + ": expected a mapping");
        }
        strict(n, KEYS, where, "config.RemoteWriteConfig");
        for (String k : UNSUPPORTED) {
            if (n.has(k)) {
                throw new InvalidConfigException(where + ": " + k + " is not supported by Sextant's remote write");
            }
        }
        String url = string(n, "url", null, where);
        if (url == null || url.isEmpty()) {
            throw new InvalidConfigException(where + ": url for remote_write is empty");
        }
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new InvalidConfigException(where + ": invalid url \"" + url + "\": scheme must be http or https with a host");
            }
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(where + ": invalid url \"" + url + "\": " + e.getMessage());
        }
        String name = string(n, "name", null, where);
        if (name == null || name.isEmpty()) {
            name = hash(n).substring(0, 6);
        }
        long timeout = duration(n, "remote_timeout", 30_000, where);
        if (timeout <= 0) {
            throw new InvalidConfigException(where + ": remote_timeout must be greater than 0");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = n.path("headers");
        if (!h.isMissingNode() && !h.isNull()) {
            if (!h.isObject()) {
                throw new InvalidConfigException(where + ".headers: expected a mapping of header names to values");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (RESERVED_HEADERS.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    throw new InvalidConfigException(where + ": " + e.getKey() + " is a reserved header. It must not be changed");
                }
                if (!e.getValue().isValueNode()) {
                    throw new InvalidConfigException(where + ".headers." + e.getKey() + ": expected a string");
                }
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        String proto = string(n, "protobuf_message", RemoteWriteConfig.PROTO_V1, where);
        int protocol;
        if (proto.equals(RemoteWriteConfig.PROTO_V1)) {
            protocol = 1;
        } else if (proto.equals(RemoteWriteConfig.PROTO_V2)) {
            protocol = 2;
        } else {
            throw new InvalidConfigException(where + ": unknown remote write protobuf message " + proto
                    + ", supported: " + RemoteWriteConfig.PROTO_V1 + ", " + RemoteWriteConfig.PROTO_V2);
        }
        bool(n, "send_exemplars", false, where);
        bool(n, "send_native_histograms", false, where);
        bool(n, "round_robin_dns", false, where);
        boolean followRedirects = bool(n, "follow_redirects", true, where);
        boolean http2 = bool(n, "enable_http2", false, where);
        HttpClientConfig http = httpClient(n, where, dir, followRedirects, http2);
        return new RemoteWriteConfig(url, name, headers, http, timeout, relabels(n.path("write_relabel_configs"), where),
                queue(n.path("queue_config"), where), metadata(n.path("metadata_config"), where), protocol);
    }

    static RemoteWriteConfig.QueueConfig queue(JsonNode q, String where) throws InvalidConfigException {
        RemoteWriteConfig.QueueConfig d = RemoteWriteConfig.QueueConfig.DEFAULT;
        if (q.isMissingNode() || q.isNull()) {
            return d;
        }
        String w = where + ".queue_config";
        if (!q.isObject()) {
            throw new InvalidConfigException(w + ": expected a mapping");
        }
        strict(q, QUEUE_KEYS, w, "config.QueueConfig");
        int capacity = integer(q, "capacity", d.capacity(), w);
        int minShards = integer(q, "min_shards", d.minShards(), w);
        int maxShards = integer(q, "max_shards", d.maxShards(), w);
        int perSend = integer(q, "max_samples_per_send", d.maxSamplesPerSend(), w);
        long deadline = duration(q, "batch_send_deadline", d.batchSendDeadlineMs(), w);
        long minBackoff = duration(q, "min_backoff", d.minBackoffMs(), w);
        long maxBackoff = duration(q, "max_backoff", d.maxBackoffMs(), w);
        boolean retry429 = bool(q, "retry_on_http_429", d.retryOnHttp429(), w);
        long ageLimit = duration(q, "sample_age_limit", d.sampleAgeLimitMs(), w);
        if (capacity <= 0 || minShards <= 0 || maxShards <= 0 || perSend <= 0) {
            throw new InvalidConfigException(w + ": capacity, min_shards, max_shards and max_samples_per_send must be positive");
        }
        if (minShards > maxShards) {
            throw new InvalidConfigException(w + ": min_shards (" + minShards + ") must not exceed max_shards (" + maxShards + ")");
        }
        if (deadline <= 0) {
            throw new InvalidConfigException(w + ": batch_send_deadline must be greater than 0");
        }
        if (minBackoff <= 0 || maxBackoff < minBackoff) {
            throw new InvalidConfigException(w + ": min_backoff must be positive and not exceed max_backoff");
        }
        return new RemoteWriteConfig.QueueConfig(capacity, minShards, maxShards, perSend, deadline, minBackoff,
                maxBackoff, retry429, ageLimit);
    }

    static RemoteWriteConfig.MetadataConfig metadata(JsonNode m, String where) throws InvalidConfigException {
        RemoteWriteConfig.MetadataConfig d = RemoteWriteConfig.MetadataConfig.DEFAULT;
        if (m.isMissingNode() || m.isNull()) {
            return d;
        }
        String w = where + ".metadata_config";
        if (!m.isObject()) {
            throw new InvalidConfigException(w + ": expected a mapping");
        }
        strict(m, METADATA_KEYS, w, "config.MetadataConfig");
        int max = integer(m, "max_samples_per_send", d.maxSamplesPerSend(), w);
        if (max <= 0) {
            throw new InvalidConfigException(w + ": max_samples_per_send must be positive");
        }
        return new RemoteWriteConfig.MetadataConfig(bool(m, "send", d.send(), w),
                duration(m, "send_interval", d.sendIntervalMs(), w), max);
    }

    private static List<RelabelConfig> relabels(JsonNode list, String where) throws InvalidConfigException {
        List<RelabelConfig> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new InvalidConfigException(where + ".write_relabel_configs: expected a list");
        }
        int i = 0;
        for (JsonNode r : list) {
            String w = where + ".write_relabel_configs[" + i++ + "]";
            if (!r.isObject()) {
                throw new InvalidConfigException(w + ": expected a mapping");
            }
            strict(r, Set.of("source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"),
                    w, "relabel.Config");
            String actionName = string(r, "action", "replace", w);
            RelabelAction action = RelabelAction.fromConfig(actionName);
            if (action == null) {
                throw new InvalidConfigException(w + ": unknown relabel action \"" + actionName + "\"");
            }
            List<String> sources = new ArrayList<>();
            JsonNode s = r.path("source_labels");
            if (s.isArray()) {
                for (JsonNode v : s) {
                    sources.add(v.asText());
                }
            } else if (!s.isMissingNode() && !s.isNull()) {
                throw new InvalidConfigException(w + ".source_labels: expected a list of label names");
            }
            try {
                out.add(RelabelConfig.of(sources, string(r, "separator", null, w), string(r, "target_label", null, w),
                        string(r, "regex", null, w), integer(r, "modulus", 0, w), string(r, "replacement", null, w),
                        action));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(w + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static HttpClientConfig httpClient(JsonNode n, String where, Path dir, boolean followRedirects,
            boolean http2) throws InvalidConfigException {
        HttpClientConfig.BasicAuth basic = null;
        if (n.has("basic_auth")) {
            JsonNode b = n.get("basic_auth");
            String w = where + ".basic_auth";
            strict(b, Set.of("username", "username_file", "password", "password_file"), w, "config.BasicAuth");
            if (b.has("password") && b.has("password_file")) {
                throw new InvalidConfigException(w + ": at most one of basic_auth password & password_file must be configured");
            }
            basic = new HttpClientConfig.BasicAuth(string(b, "username", "", w), file(b, "username_file", dir, w),
                    string(b, "password", null, w), file(b, "password_file", dir, w));
        }
        HttpClientConfig.Authorization auth = null;
        if (n.has("authorization")) {
            JsonNode a = n.get("authorization");
            String w = where + ".authorization";
            strict(a, Set.of("type", "credentials", "credentials_file"), w, "config.Authorization");
            if (a.has("credentials") && a.has("credentials_file")) {
                throw new InvalidConfigException(w + ": at most one of authorization credentials & credentials_file must be configured");
            }
            String type = string(a, "type", "Bearer", w);
            if (type.equalsIgnoreCase("basic")) {
                throw new InvalidConfigException(w + ": authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            auth = new HttpClientConfig.Authorization(type, string(a, "credentials", null, w),
                    file(a, "credentials_file", dir, w));
        }
        if (n.has("bearer_token") || n.has("bearer_token_file")) {
            if (auth != null) {
                throw new InvalidConfigException(where
                        + ": at most one of bearer_token, bearer_token_file & authorization.credentials must be configured");
            }
            if (n.has("bearer_token") && n.has("bearer_token_file")) {
                throw new InvalidConfigException(where + ": at most one of bearer_token & bearer_token_file must be configured");
            }
            auth = new HttpClientConfig.Authorization("Bearer", string(n, "bearer_token", null, where),
                    file(n, "bearer_token_file", dir, where));
        }
        if (basic != null && auth != null) {
            throw new InvalidConfigException(where + ": at most one of basic_auth, oauth2 & authorization must be configured");
        }
        HttpClientConfig.TlsConfig tls = HttpClientConfig.TlsConfig.DEFAULT;
        if (n.has("tls_config")) {
            JsonNode t = n.get("tls_config");
            String w = where + ".tls_config";
            strict(t, Set.of("ca", "ca_file", "cert", "cert_file", "key", "key_file", "server_name",
                    "insecure_skip_verify", "min_version", "max_version"), w, "config.TLSConfig");
            for (String v : new String[] {"min_version", "max_version"}) {
                String s = string(t, v, null, w);
                if (s != null && !Set.of("TLS10", "TLS11", "TLS12", "TLS13").contains(s)) {
                    throw new InvalidConfigException(w + ": unknown TLS version: " + s);
                }
            }
            if ((t.has("cert") || t.has("cert_file")) != (t.has("key") || t.has("key_file"))) {
                throw new InvalidConfigException(w + ": exactly one of key or key_file must be configured when a client certificate is configured");
            }
            tls = new HttpClientConfig.TlsConfig(string(t, "ca", null, w), file(t, "ca_file", dir, w),
                    string(t, "cert", null, w), file(t, "cert_file", dir, w), string(t, "key", null, w),
                    file(t, "key_file", dir, w), string(t, "server_name", null, w),
                    bool(t, "insecure_skip_verify", false, w), string(t, "min_version", null, w),
                    string(t, "max_version", null, w));
        }
        return new HttpClientConfig(basic, auth, tls, null, null, null, false, followRedirects, http2, null);
    }

    private static void strict(JsonNode n, Set<String> keys, String where, String type) throws InvalidConfigException {
        if (!n.isObject()) {
            throw new InvalidConfigException(where + ": expected a mapping");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new InvalidConfigException(where + ": field " + k + " not found in type " + type);
            }
        }
    }

    private static String string(JsonNode n, String key, String dflt, String where) throws InvalidConfigException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new InvalidConfigException(where + "." + key + ": expected a string");
        }
        return v.asText();
    }

    private static String file(JsonNode n, String key, Path dir, String where) throws InvalidConfigException {
        String s = string(n, key, null, where);
        return s == null || s.isEmpty() ? null : dir.resolve(s).toString();
    }

    private static int integer(JsonNode n, String key, int dflt, String where) throws InvalidConfigException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText());
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new InvalidConfigException(where + "." + key + ": cannot unmarshal " + v.asText() + " into int");
    }

    private static boolean bool(JsonNode n, String key, boolean dflt, String where) throws InvalidConfigException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new InvalidConfigException(where + "." + key + ": cannot unmarshal " + v.asText() + " into bool");
    }

    private static long duration(JsonNode n, String key, long dflt, String where) throws InvalidConfigException {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        try {
            return PromDuration.parseMillis(v.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(where + "." + key + ": not a valid duration string: \"" + v.asText() + "\"");
        }
    }

    private static String hash(JsonNode n) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(n.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
