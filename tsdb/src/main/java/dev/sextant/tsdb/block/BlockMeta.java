package dev.sextant.tsdb.block;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A block's {@code meta.json} (version 1): ULID, time range {@code [minTime, maxTime)}, stats and
 * compaction history. Unknown fields are ignored on read; zero stats are omitted on write.
 *
 * <p>Immutable.
 */
public record BlockMeta(String ulid, long minTime, long maxTime, long numSamples, long numSeries, long numChunks,
        long numTombstones, int level, List<String> sources, List<Parent> parents, boolean deletable,
        List<String> hints) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Parent(String ulid, long minTime, long maxTime) {}

    public static BlockMeta read(Path blockDir) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(blockDir.resolve("meta.json").toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(blockDir.resolve("meta.json") + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || n.isMissingNode()) {
            throw new IOException(blockDir.resolve("meta.json") + ": empty file");
        }
        int version = n.path("version").asInt(-1);
        if (version != 1) {
            throw new IOException(blockDir + "/meta.json: unsupported version " + version);
        }
        JsonNode st = n.path("stats");
        JsonNode c = n.path("compaction");
        List<String> sources = new ArrayList<>();
        c.path("sources").forEach(s -> sources.add(s.asText()));
        List<Parent> parents = new ArrayList<>();
        c.path("parents").forEach(p -> parents.add(new Parent(p.path("ulid").asText(), p.path("minTime").asLong(),
                p.path("maxTime").asLong())));
        List<String> hints = new ArrayList<>();
        c.path("hints").forEach(h -> hints.add(h.asText()));
        return new BlockMeta(n.path("ulid").asText(), n.path("minTime").asLong(), n.path("maxTime").asLong(),
                st.path("numSamples").asLong(), st.path("numSeries").asLong(), st.path("numChunks").asLong(),
                st.path("numTombstones").asLong(), c.path("level").asInt(1), sources, parents,
                c.path("deletable").asBoolean(false), hints);
    }

    /** Writes {@code meta.json.tmp}, fsyncs it and renames it over {@code meta.json}. */
    public void write(Path blockDir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("ulid", ulid);
        n.put("minTime", minTime);
        n.put("maxTime", maxTime);
        ObjectNode st = n.putObject("stats");
        putIfNonZero(st, "numSamples", numSamples);
        putIfNonZero(st, "numFloatSamples", numSamples);
        putIfNonZero(st, "numSeries", numSeries);
        putIfNonZero(st, "numChunks", numChunks);
        putIfNonZero(st, "numTombstones", numTombstones);
        ObjectNode c = n.putObject("compaction");
        c.put("level", level);
        ArrayNode src = c.putArray("sources");
        sources.forEach(src::add);
        if (!parents.isEmpty()) {
            ArrayNode ps = c.putArray("parents");
            for (Parent p : parents) {
                ps.addObject().put("ulid", p.ulid()).put("minTime", p.minTime()).put("maxTime", p.maxTime());
            }
        }
        if (deletable) {
            c.put("deletable", true);
        }
        if (!hints.isEmpty()) {
            ArrayNode hs = c.putArray("hints");
            hints.forEach(hs::add);
        }
        n.put("version", 1);
        Path tmp = blockDir.resolve("meta.json.tmp");
        Files.write(tmp, JSON.writeValueAsBytes(n));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, blockDir.resolve("meta.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void putIfNonZero(ObjectNode o, String k, long v) {
        if (v != 0) {
            o.put(k, v);
        }
    }
}
