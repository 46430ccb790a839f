package dev.sextant.scrape.config;

import dev.sextant.scrape.config.ScrapeConfig.FileSdConfig;
import dev.sextant.scrape.config.ScrapeConfig.KubernetesSdConfig;
import dev.sextant.scrape.config.ScrapeConfig.Selector;
import dev.sextant.scrape.config.ScrapeConfig.StaticConfig;
import dev.sextant.scrape.relabel.LabelNames;
import dev.sextant.scrape.relabel.RelabelAction;
import dev.sextant.scrape.relabel.RelabelConfig;
import java.io.IOException;
import java.io.StringReader;
import dev.sextant.tsdb.util.FileGlob;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Strict parser behind {@link ScrapeConfigFile}. Single use; not thread-safe. */
final class ConfigParser {
    private static final Set<String> TOP = Set.of("global", "rule_files", "scrape_config_files", "scrape_configs",
            "alerting", "remote_write", "remote_read", "storage", "tracing", "otlp", "runtime");
    private static final Set<String> GLOBAL = Set.of("scrape_interval", "scrape_timeout", "scrape_protocols",
            "evaluation_interval", "rule_query_offset", "external_labels", "query_log_file",
            "scrape_failure_log_file", "body_size_limit", "sample_limit", "target_limit", "label_limit",
            "label_name_length_limit", "label_value_length_limit", "keep_dropped_targets",
            "metric_name_validation_scheme", "metric_name_escaping_scheme", "scrape_native_histograms",
            "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb", "extra_scrape_metrics",
            "native_histogram_bucket_limit", "native_histogram_min_bucket_factor", "scrape_classic_histograms");
    private static final Set<String> HTTP = Set.of("basic_auth", "authorization", "oauth2", "bearer_token",
            "bearer_token_file", "tls_config", "proxy_url", "no_proxy", "proxy_from_environment",
            "proxy_connect_header", "follow_redirects", "enable_http2", "http_headers");
    /** Service discoveries Prometheus has and Sextant accepts but does not run (logged by the manager). */
    private static final Set<String> OTHER_SD = Set.of("azure_sd_configs", "consul_sd_configs",
            "digitalocean_sd_configs", "docker_sd_configs", "dockerswarm_sd_configs", "dns_sd_configs",
            "ec2_sd_configs", "eureka_sd_configs", "gce_sd_configs", "hetzner_sd_configs", "http_sd_configs",
            "ionos_sd_configs", "kuma_sd_configs", "lightsail_sd_configs", "linode_sd_configs",
            "marathon_sd_configs", "nerve_sd_configs", "nomad_sd_configs", "openstack_sd_configs",
            "ovhcloud_sd_configs", "puppetdb_sd_configs", "scaleway_sd_configs", "serverset_sd_configs",
            "triton_sd_configs", "uyuni_sd_configs", "vultr_sd_configs", "stackit_sd_configs");
    private static final Set<String> SCRAPE;
    private static final Set<String> PROTOCOLS = Set.of("PrometheusProto", "PrometheusText0.0.4",
            "PrometheusText1.0.0", "OpenMetricsText0.0.1", "OpenMetricsText1.0.0");
    private static final Set<String> K8S_ROLES = Set.of("node", "service", "pod", "endpoints", "endpointslice", "ingress");

    static {
        Set<String> s = new HashSet<>(Set.of("job_name", "honor_labels", "honor_timestamps",
                "track_timestamps_staleness", "params", "scrape_interval", "scrape_timeout", "scrape_protocols",
                "fallback_scrape_protocol", "scrape_classic_histograms", "always_scrape_classic_histograms",
                "convert_classic_histograms_to_nhcb", "scrape_native_histograms", "metrics_path", "scheme",
                "enable_compression", "body_size_limit", "sample_limit", "target_limit", "label_limit",
                "label_name_length_limit", "label_value_length_limit", "native_histogram_bucket_limit",
                "native_histogram_min_bucket_factor", "keep_dropped_targets", "metric_name_validation_scheme",
                "metric_name_escaping_scheme", "scrape_failure_log_file", "relabel_configs",
                "metric_relabel_configs", "static_configs", "file_sd_configs", "kubernetes_sd_configs"));
        s.addAll(HTTP);
        s.addAll(OTHER_SD);
        SCRAPE = Set.copyOf(s);
    }

    private final String file;
    private final Path dir;

    ConfigParser(String file, Path dir) {
        this.file = file;
        this.dir = dir;
    }

    ScrapeConfigFile parse(String text) {
        YamlMap root = new YamlMap(file, "", compose(file, text));
        root.allow(TOP);
        GlobalConfig global = global(root.map("global"));
        List<ScrapeConfig> scrapes = new ArrayList<>();
        Set<String> jobs = new HashSet<>();
        for (YamlMap m : root.maps("scrape_configs")) {
            addScrape(scrapes, jobs, m, scrapeConfig(m, global));
        }
        for (String glob : root.strings("scrape_config_files")) {
            for (Path p : expandGlob(root, "scrape_config_files", glob)) {
                String name = p.toString();
                String text2;
                try {
                    text2 = Files.readString(p);
                } catch (IOException e) {
                    throw root.error(root.value("scrape_config_files"), "scrape_config_files", "cannot read " + name + ": " + e);
                }
                YamlMap sub = new YamlMap(name, "", compose(name, text2)).allow(Set.of("scrape_configs"));
                ConfigParser subParser = new ConfigParser(name, p.toAbsolutePath().getParent());
                for (YamlMap m : sub.maps("scrape_configs")) {
                    subParser.addScrape(scrapes, jobs, m, subParser.scrapeConfig(m, global));
                }
            }
        }
        Map<String, Object> other = new LinkedHashMap<>();
        for (String k : root.keys()) {
            if (!k.equals("global") && !k.equals("scrape_configs") && !k.equals("scrape_config_files")) {
                other.put(k, raw(root.value(k)));
            }
        }
        return new ScrapeConfigFile(file, global, List.copyOf(scrapes), List.copyOf(root.strings("rule_files")), other);
    }

    private void addScrape(List<ScrapeConfig> out, Set<String> jobs, YamlMap m, ScrapeConfig c) {
        if (!jobs.add(c.jobName())) {
            throw m.error(m.value("job_name"), m.child("job_name"), "found multiple scrape configs with job name \"" + c.jobName() + "\"");
        }
        out.add(c);
    }

    private static Node compose(String file, String text) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(true); // YamlMap reports duplicates itself, with the line
        opts.setMaxAliasesForCollections(100);
        try {
            return new Yaml(opts).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(file, line, "", "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(file, 0, "", "invalid YAML: " + e.getMessage());
        }
    }

    private List<Path> expandGlob(YamlMap m, String key, String glob) {
        Path p = dir.resolve(glob);
        if (p.getFileName() == null) {
            // A root such as "/" names no file (it has no last path segment).
            throw m.error(m.value(key), m.child(key), "not a file or a file pattern: " + glob);
        }
        String last = p.getFileName().toString();
        List<Path> out = new ArrayList<>();
        if (!FileGlob.hasMeta(last)) {
            if (Files.exists(p)) {
                out.add(p);
            }
            return out;
        }
        Path parent = p.getParent();
        if (parent.toString().contains("*")) {
            throw m.error(m.value(key), m.child(key), "only the last path segment may hold a pattern: " + glob);
        }
        try {
            FileGlob.validate(last);
        } catch (IllegalArgumentException e) {
            throw m.error(m.value(key), m.child(key), "invalid glob " + glob + ": " + e.getMessage());
        }
        if (!Files.isDirectory(parent)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            for (Path f : ds) {
                if (FileGlob.matches(last, f.getFileName().toString())) {
                    out.add(f);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw m.error(m.value(key), m.child(key), "invalid glob " + glob + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    private GlobalConfig global(YamlMap g) {
        g.allow(GLOBAL);
        GlobalConfig d = GlobalConfig.DEFAULT;
        long interval = g.duration("scrape_interval", d.scrapeIntervalMs());
        if (g.has("scrape_interval") && interval == 0) {
            throw g.error(g.value("scrape_interval"), g.child("scrape_interval"), "scrape interval must be greater than 0");
        }
        long timeout;
        if (g.has("scrape_timeout")) {
            timeout = g.duration("scrape_timeout", 0);
            if (timeout > interval) {
                throw g.error(g.value("scrape_timeout"), g.child("scrape_timeout"), "global scrape timeout greater than scrape interval");
            }
        } else {
            timeout = Math.min(d.scrapeTimeoutMs(), interval);
        }
        Map<String, String> ext = g.stringMap("external_labels");
        Map<String, String> expanded = new LinkedHashMap<>();
        YamlMap extMap = g.map("external_labels");
        for (Map.Entry<String, String> e : ext.entrySet()) {
            if (!LabelNames.isValid(e.getKey())) {
                throw extMap.error(extMap.keyNode(e.getKey()), extMap.child(e.getKey()), "\"" + e.getKey() + "\" is not a valid label name");
            }
            expanded.put(e.getKey(), expandEnv(e.getValue()));
        }
        String validation = scheme(g, "metric_name_validation_scheme", d.metricNameValidationScheme());
        boolean nativeHist = g.bool("scrape_native_histograms", false);
        return new GlobalConfig(interval, timeout,
                g.duration("evaluation_interval", d.evaluationIntervalMs()),
                g.duration("rule_query_offset", 0),
                Map.copyOf(expanded),
                protocols(g, "scrape_protocols", nativeHist),
                g.string("query_log_file", null),
                g.string("scrape_failure_log_file", null),
                g.size("body_size_limit", 0), g.integer("sample_limit", 0), g.integer("target_limit", 0),
                g.integer("label_limit", 0), g.integer("label_name_length_limit", 0),
                g.integer("label_value_length_limit", 0), g.integer("keep_dropped_targets", 0),
                validation,
                escaping(g, validation, null),
                nativeHist,
                g.bool("always_scrape_classic_histograms", g.bool("scrape_classic_histograms", false)),
                g.bool("convert_classic_histograms_to_nhcb", false),
                g.bool("extra_scrape_metrics", false));
    }

    private static String scheme(YamlMap m, String key, String dflt) {
        String v = m.string(key, dflt);
        if (v.isEmpty()) {
            return dflt;
        }
        if (!v.equals("utf8") && !v.equals("legacy")) {
            throw m.error(m.value(key), m.child(key), "unknown name validation method specified, must be either '', 'legacy' or 'utf8', got " + v);
        }
        return v;
    }

    private static String escaping(YamlMap m, String validation, String dflt) {
        String d = dflt != null ? dflt : (validation.equals("legacy") ? "underscores" : "allow-utf-8");
        String v = m.string("metric_name_escaping_scheme", d);
        if (!Set.of("allow-utf-8", "underscores", "dots", "values").contains(v)) {
            throw m.error(m.value("metric_name_escaping_scheme"), m.child("metric_name_escaping_scheme"), "unknown name escaping method specified: " + v);
        }
        if (validation.equals("legacy") && v.equals("allow-utf-8")) {
            throw m.error(m.value("metric_name_escaping_scheme"), m.child("metric_name_escaping_scheme"),
                    "metric_name_escaping_scheme must not be allow-utf-8 with legacy validation");
        }
        return v;
    }

    private static List<String> protocols(YamlMap m, String key, boolean nativeHist) {
        if (!m.has(key)) {
            if (nativeHist) {
                List<String> l = new ArrayList<>();
                l.add("PrometheusProto");
                l.addAll(GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS);
                return List.copyOf(l);
            }
            return GlobalConfig.DEFAULT_SCRAPE_PROTOCOLS;
        }
        List<String> l = m.strings(key);
        if (l.isEmpty()) {
            throw m.error(m.value(key), m.child(key), "scrape_protocols cannot be empty");
        }
        Set<String> seen = new HashSet<>();
        for (String p : l) {
            if (!PROTOCOLS.contains(p)) {
                throw m.error(m.value(key), m.child(key), "unknown scrape protocol " + p + ", supported: " + PROTOCOLS);
            }
            if (!seen.add(p)) {
                throw m.error(m.value(key), m.child(key), "duplicated protocol in scrape_protocols, got " + l);
            }
        }
        return List.copyOf(l);
    }

    /** {@code ${VAR}} / {@code $VAR} from the environment; undefined is empty, {@code $$} is {@code $}. */
    static String expandEnv(String s) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(i + 1);
            if (n == '$') {
                sb.append('$');
                i++;
            } else if (n == '{') {
                int close = s.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    continue;
                }
                String v = System.getenv(s.substring(i + 2, close));
                sb.append(v == null ? "" : v);
                i = close;
            } else {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(c);
                    continue;
                }
                String v = System.getenv(s.substring(i + 1, j));
                sb.append(v == null ? "" : v);
                i = j - 1;
            }
        }
        return sb.toString();
    }

    private ScrapeConfig scrapeConfig(YamlMap m, GlobalConfig g) {
        m.allow(SCRAPE);
        String job = m.string("job_name", "");
        if (job.isEmpty()) {
            throw m.error(m.node, m.child("job_name"), "job_name is empty");
        }
        long interval = m.duration("scrape_interval", g.scrapeIntervalMs());
        if (interval == 0) {
            throw m.error(m.value("scrape_interval"), m.child("scrape_interval"), "scrape interval must be greater than 0");
        }
        long timeout;
        if (m.has("scrape_timeout")) {
            timeout = m.duration("scrape_timeout", 0);
            if (timeout > interval) {
                throw m.error(m.value("scrape_timeout"), m.child("scrape_timeout"),
                        "scrape timeout greater than scrape interval for scrape config with job name \"" + job + "\"");
            }
        } else {
            timeout = Math.min(g.scrapeTimeoutMs(), interval);
        }
        String scheme = m.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw m.error(m.value("scheme"), m.child("scheme"), "unknown scrape scheme \"" + scheme + "\"; must be http or https");
        }
        String path = m.string("metrics_path", "/metrics");
        boolean nativeHist = m.bool("scrape_native_histograms", g.scrapeNativeHistograms());
        List<String> protocols = m.has("scrape_protocols") ? protocols(m, "scrape_protocols", nativeHist)
                : (nativeHist && !g.scrapeNativeHistograms() ? protocols(m, "scrape_protocols", true) : g.scrapeProtocols());
        String fallback = m.string("fallback_scrape_protocol", null);
        if (fallback != null && !PROTOCOLS.contains(fallback)) {
            throw m.error(m.value("fallback_scrape_protocol"), m.child("fallback_scrape_protocol"), "unknown fallback_scrape_protocol " + fallback);
        }
        String validation = scheme(m, "metric_name_validation_scheme", g.metricNameValidationScheme());
        String escaping = escaping(m, validation, m.has("metric_name_validation_scheme") ? null : g.metricNameEscapingScheme());

        List<StaticConfig> statics = new ArrayList<>();
        for (YamlMap s : m.maps("static_configs")) {
            s.allow(Set.of("targets", "labels"));
            Map<String, String> labels = s.stringMap("labels");
            YamlMap lm = s.map("labels");
            for (String k : labels.keySet()) {
                if (!LabelNames.isValid(k)) {
                    throw lm.error(lm.keyNode(k), lm.child(k), "\"" + k + "\" is not a valid label name");
                }
            }
            List<String> targets = s.strings("targets");
            for (String t : targets) {
                if (t.contains("/")) {
                    throw s.error(s.value("targets"), s.child("targets"), "\"" + t + "\" is not a valid hostname");
                }
            }
            statics.add(new StaticConfig(List.copyOf(targets), Map.copyOf(labels)));
        }
        List<FileSdConfig> files = new ArrayList<>();
        for (YamlMap f : m.maps("file_sd_configs")) {
            f.allow(Set.of("files", "refresh_interval"));
            List<String> globs = new ArrayList<>();
            for (String gl : f.strings("files")) {
                Path named = Path.of(gl).getFileName();
                String name = named == null ? "" : named.toString();
                if (!(name.endsWith(".json") || name.endsWith(".yml") || name.endsWith(".yaml"))) {
                    throw f.error(f.value("files"), f.child("files"), "path name \"" + gl + "\" is not valid for file discovery");
                }
                globs.add(dir.resolve(gl).toString());
            }
            if (globs.isEmpty()) {
                throw f.error(f.node, f.child("files"), "file service discovery config must contain at least one path name");
            }
            files.add(new FileSdConfig(List.copyOf(globs), f.duration("refresh_interval", 300_000)));
        }
        List<KubernetesSdConfig> kube = new ArrayList<>();
        for (YamlMap k : m.maps("kubernetes_sd_configs")) {
            kube.add(kubernetes(k));
        }
        List<String> unsupported = new ArrayList<>();
        for (String k : m.keys()) {
            if (OTHER_SD.contains(k)) {
                unsupported.add(k);
            }
        }
        return new ScrapeConfig(job, interval, timeout, path, scheme, m.stringListMap("params"),
                m.bool("honor_labels", false), m.bool("honor_timestamps", true),
                m.bool("track_timestamps_staleness", false), m.bool("enable_compression", true),
                protocols, fallback, http(m), List.copyOf(statics), List.copyOf(files), List.copyOf(kube),
                List.copyOf(unsupported), relabels(m, "relabel_configs"), relabels(m, "metric_relabel_configs"),
                m.has("body_size_limit") ? m.size("body_size_limit", 0) : g.bodySizeLimit(),
                m.integer("sample_limit", g.sampleLimit()), m.integer("label_limit", g.labelLimit()),
                m.integer("label_name_length_limit", g.labelNameLengthLimit()),
                m.integer("label_value_length_limit", g.labelValueLengthLimit()),
                m.integer("target_limit", g.targetLimit()),
                m.integer("keep_dropped_targets", g.keepDroppedTargets()),
                validation, escaping, nativeHist,
                m.bool("always_scrape_classic_histograms", m.bool("scrape_classic_histograms", g.alwaysScrapeClassicHistograms())),
                m.bool("convert_classic_histograms_to_nhcb", g.convertClassicHistogramsToNhcb()),
                g.extraScrapeMetrics());
    }

    private KubernetesSdConfig kubernetes(YamlMap k) {
        Set<String> known = new HashSet<>(HTTP);
        known.addAll(Set.of("role", "api_server", "kubeconfig_file", "namespaces", "selectors", "attach_metadata"));
        k.allow(known);
        String role = k.string("role", "");
        if (role.isEmpty()) {
            throw k.error(k.node, k.child("role"), "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
        }
        if (!K8S_ROLES.contains(role)) {
            throw k.error(k.value("role"), k.child("role"), "unknown Kubernetes SD role \"" + role + "\"");
        }
        String api = k.string("api_server", null);
        String kubeconfig = k.string("kubeconfig_file", null);
        if (api != null && kubeconfig != null) {
            throw k.error(k.value("kubeconfig_file"), k.child("kubeconfig_file"), "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
        }
        HttpClientConfig http = http(k);
        if (api == null && (http.basicAuth() != null || http.authorization() != null)) {
            throw k.error(k.node, k.path, "to use custom HTTP client configuration please provide the 'api_server' URL explicitly");
        }
        YamlMap ns = k.map("namespaces").allow(Set.of("own_namespace", "names"));
        List<Selector> selectors = new ArrayList<>();
        Set<String> seenRoles = new HashSet<>();
        for (YamlMap s : k.maps("selectors")) {
            s.allow(Set.of("role", "label", "field"));
            String r = s.string("role", "");
            boolean allowed = switch (role) {
                case "endpoints" -> Set.of("pod", "service", "endpoints").contains(r);
                case "endpointslice" -> Set.of("pod", "service", "endpointslice").contains(r);
                case "pod" -> Set.of("pod", "node").contains(r);
                default -> r.equals(role);
            };
            if (!allowed) {
                throw s.error(s.value("role"), s.child("role"), "selector role \"" + r + "\" is not allowed for role " + role);
            }
            if (!seenRoles.add(r)) {
                throw s.error(s.value("role"), s.child("role"), "duplicated selector role: " + r);
            }
            selectors.add(new Selector(r, s.string("label", ""), s.string("field", "")));
        }
        YamlMap attach = k.map("attach_metadata").allow(Set.of("node", "namespace", "deployment", "job", "cronjob"));
        return new KubernetesSdConfig(role, api, kubeconfig == null ? null : dir.resolve(kubeconfig).toString(),
                ns.bool("own_namespace", false), List.copyOf(ns.strings("names")), List.copyOf(selectors),
                attach.bool("node", false), attach.bool("namespace", false), attach.bool("deployment", false),
                attach.bool("job", false), attach.bool("cronjob", false), http);
    }

    private HttpClientConfig http(YamlMap m) {
        HttpClientConfig.BasicAuth basic = null;
        if (m.has("basic_auth")) {
            YamlMap b = m.map("basic_auth").allow(Set.of("username", "username_file", "password", "password_file"));
            if (b.has("password") && b.has("password_file")) {
                throw b.error(b.value("password_file"), b.child("password_file"), "at most one of basic_auth password & password_file must be configured");
            }
            basic = new HttpClientConfig.BasicAuth(b.string("username", ""), file(b, "username_file"),
                    b.string("password", null), file(b, "password_file"));
        }
        HttpClientConfig.Authorization auth = null;
        if (m.has("authorization")) {
            YamlMap a = m.map("authorization").allow(Set.of("type", "credentials", "credentials_file"));
            if (a.has("credentials") && a.has("credentials_file")) {
                throw a.error(a.value("credentials_file"), a.child("credentials_file"), "at most one of authorization credentials & credentials_file must be configured");
            }
            String type = a.string("type", "Bearer");
            if (type.equalsIgnoreCase("basic")) {
                throw a.error(a.value("type"), a.child("type"), "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            auth = new HttpClientConfig.Authorization(type, a.string("credentials", null), file(a, "credentials_file"));
        }
        if (m.has("bearer_token") || m.has("bearer_token_file")) {
            if (auth != null) {
                throw m.error(m.value(m.has("bearer_token") ? "bearer_token" : "bearer_token_file"), m.path,
                        "at most one of bearer_token, bearer_token_file & authorization.credentials must be configured");
            }
            if (m.has("bearer_token") && m.has("bearer_token_file")) {
                throw m.error(m.value("bearer_token_file"), m.child("bearer_token_file"), "at most one of bearer_token & bearer_token_file must be configured");
            }
            auth = new HttpClientConfig.Authorization("Bearer", m.string("bearer_token", null), file(m, "bearer_token_file"));
        }
        if (basic != null && (auth != null || m.has("oauth2"))) {
            throw m.error(m.value("basic_auth"), m.child("basic_auth"), "at most one of basic_auth, oauth2 & authorization must be configured");
        }
        HttpClientConfig.TlsConfig tls = HttpClientConfig.TlsConfig.DEFAULT;
        if (m.has("tls_config")) {
            YamlMap t = m.map("tls_config").allow(Set.of("ca", "ca_file", "cert", "cert_file", "key", "key_file",
                    "server_name", "insecure_skip_verify", "min_version", "max_version"));
            for (String v : new String[] {"min_version", "max_version"}) {
                String s = t.string(v, null);
                if (s != null && !Set.of("TLS10", "TLS11", "TLS12", "TLS13").contains(s)) {
                    throw t.error(t.value(v), t.child(v), "unknown TLS version: " + s);
                }
            }
            tls = new HttpClientConfig.TlsConfig(t.string("ca", null), file(t, "ca_file"), t.string("cert", null),
                    file(t, "cert_file"), t.string("key", null), file(t, "key_file"), t.string("server_name", null),
                    t.bool("insecure_skip_verify", false), t.string("min_version", null), t.string("max_version", null));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> oauth2 = m.has("oauth2") ? (Map<String, Object>) raw(m.value("oauth2")) : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = m.has("http_headers") ? (Map<String, Object>) raw(m.value("http_headers")) : null;
        return new HttpClientConfig(basic, auth, tls, oauth2, m.string("proxy_url", null), m.string("no_proxy", null),
                m.bool("proxy_from_environment", false), m.bool("follow_redirects", true), m.bool("enable_http2", true), headers);
    }

    private String file(YamlMap m, String key) {
        String s = m.string(key, null);
        return s == null || s.isEmpty() ? null : dir.resolve(s).toString();
    }

    private List<RelabelConfig> relabels(YamlMap m, String key) {
        List<RelabelConfig> out = new ArrayList<>();
        for (YamlMap r : m.maps(key)) {
            r.allow(Set.of("source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"));
            String actionName = r.string("action", "replace");
            RelabelAction action = RelabelAction.fromConfig(actionName);
            if (action == null) {
                throw r.error(r.value("action"), r.child("action"), "unknown relabel action \"" + actionName + "\"");
            }
            try {
                out.add(RelabelConfig.of(r.strings("source_labels"), r.string("separator", null),
                        r.string("target_label", null), r.string("regex", null), r.integer("modulus", 0),
                        r.string("replacement", null), action));
            } catch (IllegalArgumentException e) {
                throw r.error(r.node, r.path, e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    /** Converts a YAML node into plain Map/List/String values for sections other modules own. */
    static Object raw(Node n) {
        if (n == null || YamlMap.isNull(n)) {
            return null;
        }
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        if (n instanceof SequenceNode seq) {
            List<Object> l = new ArrayList<>();
            for (Node c : seq.getValue()) {
                l.add(raw(c));
            }
            return l;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) n).getValue()) {
            map.put(String.valueOf(raw(t.getKeyNode())), raw(t.getValueNode()));
        }
        return map;
    }
}
