package dev.sextant.scrape.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sextant.scrape.config.ScrapeConfig.FileSdConfig;
import dev.sextant.tsdb.model.Labels;
import dev.sextant.tsdb.model.LabelsBuilder;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import dev.sextant.tsdb.util.FileGlob;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code file_sd_configs}: reads JSON or YAML lists of {@code {targets, labels}} from files matching
 * the globs, watches their directories for changes and re-reads every {@code refresh_interval} as a
 * fallback. Each target gets {@code __meta_filepath}. A file that fails to parse keeps its previous
 * groups; a deleted file sends empty groups for its sources.
 *
 * <p>Thread-safety: one daemon thread per discoverer does all reading; {@link #close} stops it.
 */
public final class FileDiscoverer implements Discoverer {
    private static final Logger LOG = LoggerFactory.getLogger(FileDiscoverer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<String> globs;
    private final long refreshMs;
    /** Number of groups each file produced last time, to delete the surplus. */
    private final Map<Path, Integer> groupCounts = new HashMap<>();
    private final Map<Path, Long> stamps = new HashMap<>();
    private volatile boolean closed;
    private WatchService watcher;
    private Thread thread;

    public FileDiscoverer(FileSdConfig cfg) {
        this.globs = cfg.files();
        this.refreshMs = cfg.refreshIntervalMs() > 0 ? cfg.refreshIntervalMs() : 300_000;
    }

    @Override
    public synchronized void start(Consumer<List<TargetGroup>> updates) {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            Set<Path> dirs = new HashSet<>();
            for (String g : globs) {
                Path dir = Path.of(g).toAbsolutePath().getParent();
                if (dirs.add(dir) && Files.isDirectory(dir)) {
                    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                }
            }
        } catch (IOException e) {
            LOG.warn("file SD: cannot watch directories, relying on refresh_interval: {}", e.toString());
        }
        refresh(updates, true);
        thread = new Thread(() -> run(updates), "file-sd");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Consumer<List<TargetGroup>> updates) {
        long nextRefresh = System.currentTimeMillis() + refreshMs;
        while (!closed) {
            try {
                long wait = Math.max(1, nextRefresh - System.currentTimeMillis());
                boolean changed = false;
                if (watcher != null) {
                    var key = watcher.poll(wait, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                        changed = true;
                        // Coalesce a burst of events (editors write in several steps).
                        Thread.sleep(20);
                        var more = watcher.poll();
                        while (more != null) {
                            more.pollEvents();
                            more.reset();
                            more = watcher.poll();
                        }
                    }
                } else {
                    Thread.sleep(wait);
                }
                boolean force = System.currentTimeMillis() >= nextRefresh;
                if (force) {
                    nextRefresh = System.currentTimeMillis() + refreshMs;
                }
                if (changed || force) {
                    refresh(updates, force);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("file SD refresh failed: {}", e.toString());
            }
        }
    }

    /** Re-reads every matching file (only changed ones unless {@code all}) and sends changed groups. */
    synchronized void refresh(Consumer<List<TargetGroup>> updates, boolean all) {
        if (closed) {
            return;
        }
        Set<Path> files = new TreeSet<>();
        for (String g : globs) {
            files.addAll(expand(g));
        }
        List<TargetGroup> out = new ArrayList<>();
        for (Iterator<Map.Entry<Path, Integer>> it = groupCounts.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Integer> e = it.next();
            if (!files.contains(e.getKey())) {
                for (int i = 0; i < e.getValue(); i++) {
                    out.add(TargetGroup.empty(e.getKey() + ":" + i));
                }
                stamps.remove(e.getKey());
                it.remove();
            }
        }
        for (Path f : files) {
            long stamp;
            try {
                stamp = Files.getLastModifiedTime(f).toMillis() ^ Files.size(f) * 31;
            } catch (IOException e) {
                continue;
            }
            Long old = stamps.get(f);
            if (!all && old != null && old == stamp) {
                continue;
            }
            List<TargetGroup> groups;
            try {
                groups = read(f);
            } catch (IOException | RuntimeException e) {
                LOG.warn("file SD: error reading {}: {}; keeping previous targets", f, e.getMessage());
                continue;
            }
            stamps.put(f, stamp);
            int before = groupCounts.getOrDefault(f, 0);
            out.addAll(groups);
            for (int i = groups.size(); i < before; i++) {
                out.add(TargetGroup.empty(f + ":" + i));
            }
            groupCounts.put(f, groups.size());
        }
        if (!out.isEmpty() || all) {
            updates.accept(out);
        }
    }

    private static List<Path> expand(String glob) {
        Path p = Path.of(glob).toAbsolutePath();
        Path dir = p.getParent();
        String pattern = p.getFileName().toString();
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        if (!FileGlob.hasMeta(pattern)) {
            if (Files.isRegularFile(p)) {
                out.add(p);
            }
            return out;
        }
        try {
            FileGlob.validate(pattern);
        } catch (IllegalArgumentException e) {
            LOG.warn("file SD: invalid file pattern {}: {}", p, e.getMessage());
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String n = f.getFileName().toString();
                if ((n.endsWith(".json") || n.endsWith(".yml") || n.endsWith(".yaml")) && FileGlob.matches(pattern, n)) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("file SD: cannot list {}: {}", dir, e.toString());
        }
        return out;
    }

    /** Parses one file into groups with sources {@code <path>:<index>}. */
    static List<TargetGroup> read(Path f) throws IOException {
        String name = f.getFileName().toString();
        byte[] content = Files.readAllBytes(f);
        JsonNode root = (name.endsWith(".json") ? JSON : YAML).readTree(content);
        List<TargetGroup> out = new ArrayList<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return out;
        }
        if (!root.isArray()) {
            throw new IOException("expected a list of target groups");
        }
        int i = 0;
        for (JsonNode g : root) {
            if (!g.isObject()) {
                throw new IOException("target group " + i + " is not an object");
            }
            Iterator<String> fields = g.fieldNames();
            while (fields.hasNext()) {
                String k = fields.next();
                if (!k.equals("targets") && !k.equals("labels")) {
                    throw new IOException("unknown field \"" + k + "\" in target group " + i);
                }
            }
            List<Labels> targets = new ArrayList<>();
            JsonNode ts = g.get("targets");
            if (ts != null && !ts.isNull()) {
                if (!ts.isArray()) {
                    throw new IOException("targets of group " + i + " is not a list");
                }
                for (JsonNode t : ts) {
                    String addr = t.asText();
                    if (addr.contains("/")) {
                        throw new IOException("\"" + addr + "\" is not a valid hostname");
                    }
                    targets.add(Labels.of("__address__", addr));
                }
            }
            LabelsBuilder lb = new LabelsBuilder();
            JsonNode ls = g.get("labels");
            if (ls != null && !ls.isNull()) {
                if (!ls.isObject()) {
                    throw new IOException("labels of group " + i + " is not a mapping");
                }
                Iterator<Map.Entry<String, JsonNode>> it = ls.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    lb.set(e.getKey(), e.getValue().asText());
                }
            }
            lb.set("__meta_filepath", f.toString());
            out.add(new TargetGroup(f + ":" + i, targets, lb.build()));
            i++;
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
