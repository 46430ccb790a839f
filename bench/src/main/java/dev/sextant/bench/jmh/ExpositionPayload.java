package dev.sextant.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A realistic scrape body of about 10,000 series, shaped like what a node exporter plus
 * kube-state-metrics expose, in the text format 0.0.4 and in OpenMetrics 1.0 (the same series and
 * values in both).
 *
 * <p>Content: HELP and TYPE for every family (HELP texts with escaped backslashes and newlines);
 * node-exporter families ({@code node_cpu_seconds_total} per cpu and mode, filesystem gauges with
 * Go's exponent notation such as {@code 1.073741824e+10}, network counters, a
 * {@code go_gc_duration_seconds} summary with quantiles); an API-server latency histogram (verb ×
 * resource × 12 {@code le} buckets, {@code _sum}, {@code _count}); and kube-state-metrics pods
 * ({@code kube_pod_info} with 9 labels, {@code kube_pod_labels} whose values carry escaped quotes,
 * backslashes and newlines, phase, and per container restarts, resource requests/limits and
 * readiness) until the series count is reached. A few values are {@code NaN} and {@code +Inf}.
 * OpenMetrics differs as the format requires: counter families are named without {@code _total}
 * and the body ends with {@code # EOF}. No timestamps, like real exporters.
 */
public final class ExpositionPayload {
    public final byte[] text;
    public final byte[] openMetrics;
    /** Sample lines in either body. */
    public final int samples;

    private ExpositionPayload(byte[] text, byte[] openMetrics, int samples) {
        this.text = text;
        this.openMetrics = openMetrics;
        this.samples = samples;
    }

    /** Builds a payload of at least {@code minSeries} series (whole pods are added). */
    public static ExpositionPayload build(int minSeries) {
        Writer t = new Writer(false);
        Writer o = new Writer(true);
        for (Writer w : new Writer[] {t, o}) {
            render(w, minSeries);
        }
        if (t.samples != o.samples) {
            throw new IllegalStateException("formats disagree: " + t.samples + " vs " + o.samples);
        }
        return new ExpositionPayload(t.sb.toString().getBytes(StandardCharsets.UTF_8),
                o.sb.append("# EOF\n").toString().getBytes(StandardCharsets.UTF_8), t.samples);
    }

    private static final String[] MODES = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
    private static final String[] MOUNTS = {"/", "/boot", "/var/lib/kubelet", "/var/lib/containerd", "/run",
        "/run/lock", "/sys/fs/cgroup", "/var/log", "/home", "/tmp"};
    private static final String[] DEVICES = {"eth0", "eth1", "lo", "cni0", "flannel.1", "veth1a2b3c", "veth4d5e6f", "docker0"};
    private static final String[] VERBS = {"GET", "LIST", "WATCH", "POST", "PUT", "DELETE"};
    private static final String[] RESOURCES = {"pods", "services", "endpoints", "configmaps", "secrets", "nodes",
        "deployments", "replicasets", "events", "leases"};
    private static final String[] LE = {"0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "2.5", "5", "+Inf"};
    private static final String[] PHASES = {"Pending", "Running", "Succeeded", "Failed", "Unknown"};

    private static void render(Writer w, int minSeries) {
        // node exporter
        w.family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
        for (int cpu = 0; cpu < 8; cpu++) {
            for (int m = 0; m < MODES.length; m++) {
                w.sample("node_cpu_seconds_total", "cpu", Integer.toString(cpu), "mode", MODES[m])
                        .value(String.format(Locale.ROOT, "%.2f", 1000.0 * (cpu + 1) * (m + 3) + m * 0.37));
            }
        }
        String[] fsMetrics = {"node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_files_free"};
        for (String fm : fsMetrics) {
            w.family(fm, "gauge", "Filesystem space available to non-root users in bytes.\\nRead from statfs(2).");
            for (int i = 0; i < MOUNTS.length; i++) {
                w.sample(fm, "device", "/dev/nvme0n1p" + (i + 1), "fstype", i % 3 == 0 ? "ext4" : "tmpfs", "mountpoint", MOUNTS[i])
                        .value(String.format(Locale.ROOT, "%.9e", 1.073741824e10 * (i + 1) / 3));
            }
        }
        String[] net = {"node_network_receive_bytes_total", "node_network_transmit_bytes_total",
            "node_network_receive_packets_total", "node_network_receive_errs_total"};
        for (String nm : net) {
            w.family(nm, "counter", "Network device statistic " + nm.substring("node_network_".length()) + ".");
            for (int i = 0; i < DEVICES.length; i++) {
                w.sample(nm, "device", DEVICES[i]).value(Long.toString(987_654_321L * (i + 1) + nm.length()));
            }
        }
        w.family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
        String[] q = {"0", "0.25", "0.5", "0.75", "1"};
        for (int i = 0; i < q.length; i++) {
            w.sample("go_gc_duration_seconds", "quantile", q[i]).value(i == 4 ? "NaN" : "4.2831e-05");
        }
        w.sample("go_gc_duration_seconds_sum").value("0.123456789");
        w.sample("go_gc_duration_seconds_count").value("4321");
        // API server latency histogram
        w.family("apiserver_request_duration_seconds", "histogram",
                "Response latency distribution in seconds for each verb, resource and scope \\\\ component.");
        for (String verb : VERBS) {
            for (String res : RESOURCES) {
                long cum = 0;
                for (int b = 0; b < LE.length; b++) {
                    cum += (verb.length() * 31L + res.length() * 7L + b * 13L) % 97;
                    w.sample("apiserver_request_duration_seconds_bucket", "component", "apiserver", "resource", res,
                            "scope", "namespace", "verb", verb, "le", LE[b]).value(Long.toString(cum));
                }
                w.sample("apiserver_request_duration_seconds_sum", "component", "apiserver", "resource", res,
                        "scope", "namespace", "verb", verb).value(String.format(Locale.ROOT, "%.6f", cum * 0.0731));
                w.sample("apiserver_request_duration_seconds_count", "component", "apiserver", "resource", res,
                        "scope", "namespace", "verb", verb).value(Long.toString(cum));
            }
        }
        // kube-state-metrics: families are not interleaved, so pods are rendered family by family.
        int fixed = w.samples;
        int perPod = 1 + 1 + PHASES.length + 2 * (1 + 2 + 2 + 1);
        int pods = Math.max(1, (minSeries - fixed + perPod - 1) / perPod);
        w.family("kube_pod_info", "gauge", "Information about pod.");
        for (int p = 0; p < pods; p++) {
            w.sample("kube_pod_info", "namespace", ns(p), "pod", pod(p), "uid", uid(p), "host_ip", "10.1." + p / 200 + "." + p % 200,
                    "pod_ip", "172.16." + p / 250 + "." + p % 250, "node", "node-" + p % 40, "created_by_kind", "ReplicaSet",
                    "created_by_name", "app-" + p % 60 + "-7d9f8b6c5", "priority_class", p % 9 == 0 ? "system-cluster-critical" : "",
                    "host_network", "false").value("1");
        }
        w.family("kube_pod_labels", "gauge", "Kubernetes labels converted to Prometheus labels.");
        for (int p = 0; p < pods; p++) {
            w.sample("kube_pod_labels", "namespace", ns(p), "pod", pod(p), "uid", uid(p), "label_app", "app-" + p % 60,
                    "label_description", "says \"hello\" to C:\\temp\\" + p + "\nsecond line", "label_team", "team-" + p % 7)
                    .value("1");
        }
        w.family("kube_pod_status_phase", "gauge", "The pods current phase.");
        for (int p = 0; p < pods; p++) {
            for (int i = 0; i < PHASES.length; i++) {
                w.sample("kube_pod_status_phase", "namespace", ns(p), "pod", pod(p), "uid", uid(p), "phase", PHASES[i])
                        .value(i == 1 ? "1" : "0");
            }
        }
        w.family("kube_pod_container_status_restarts_total", "counter", "The number of container restarts per container.");
        for (int p = 0; p < pods; p++) {
            for (int c = 0; c < 2; c++) {
                w.sample("kube_pod_container_status_restarts_total", "namespace", ns(p), "pod", pod(p), "uid", uid(p),
                        "container", c == 0 ? "app" : "istio-proxy").value(Integer.toString(p % 3));
            }
        }
        for (String kind : new String[] {"requests", "limits"}) {
            String name = "kube_pod_container_resource_" + kind;
            w.family(name, "gauge", "The number of " + kind + " resource requested by a container.");
            for (int p = 0; p < pods; p++) {
                for (int c = 0; c < 2; c++) {
                    String container = c == 0 ? "app" : "istio-proxy";
                    w.sample(name, "namespace", ns(p), "pod", pod(p), "uid", uid(p), "container", container,
                            "node", "node-" + p % 40, "resource", "cpu", "unit", "core").value(c == 0 ? "0.25" : "0.1");
                    w.sample(name, "namespace", ns(p), "pod", pod(p), "uid", uid(p), "container", container,
                            "node", "node-" + p % 40, "resource", "memory", "unit", "byte")
                            .value(kind.equals("limits") && p % 11 == 0 ? "+Inf" : "2.68435456e+08");
                }
            }
        }
        w.family("kube_pod_container_status_ready", "gauge", "Describes whether the containers readiness check succeeded.");
        for (int p = 0; p < pods; p++) {
            for (int c = 0; c < 2; c++) {
                w.sample("kube_pod_container_status_ready", "namespace", ns(p), "pod", pod(p), "uid", uid(p),
                        "container", c == 0 ? "app" : "istio-proxy").value(p % 17 == 0 ? "0" : "1");
            }
        }
    }

    private static String ns(int p) {
        return "team-" + (p % 23) + "-prod";
    }

    private static String pod(int p) {
        return "app-" + p % 60 + "-7d9f8b6c5-" + Integer.toString(0x10000 + p * 7919 % 0xEFFF, 36);
    }

    private static String uid(int p) {
        return String.format(Locale.ROOT, "%08x-%04x-4%03x-9%03x-%012x", p * 2654435761L & 0xFFFFFFFFL, p & 0xFFFF,
                p % 4096, (p * 7) % 4096, p * 0x9E3779B9L & 0xFFFFFFFFFFFFL);
    }

    /** Renders either format into a StringBuilder. */
    private static final class Writer {
        final StringBuilder sb = new StringBuilder(4 << 20);
        final boolean om;
        int samples;

        Writer(boolean om) {
            this.om = om;
        }

        /** HELP is already escaped (backslash and newline only, valid in both formats). */
        void family(String name, String type, String help) {
            String fam = om && type.equals("counter") && name.endsWith("_total")
                    ? name.substring(0, name.length() - "_total".length()) : name;
            sb.append("# HELP ").append(fam).append(' ').append(help).append('\n');
            sb.append("# TYPE ").append(fam).append(' ').append(type).append('\n');
        }

        /** Label pairs; empty values are skipped, as exporters do. */
        Writer sample(String name, String... labels) {
            sb.append(name);
            boolean first = true;
            for (int i = 0; i < labels.length; i += 2) {
                if (labels[i + 1].isEmpty()) {
                    continue;
                }
                sb.append(first ? '{' : ',').append(labels[i]).append("=\"");
                escape(labels[i + 1]);
                sb.append('"');
                first = false;
            }
            if (!first) {
                sb.append('}');
            }
            samples++;
            return this;
        }

        void value(String v) {
            sb.append(' ').append(v).append('\n');
        }

        private void escape(String v) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
        }
    }
}
