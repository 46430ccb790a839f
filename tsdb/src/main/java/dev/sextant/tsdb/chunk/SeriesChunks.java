package dev.sextant.tsdb.chunk;

import dev.sextant.tsdb.model.Labels;
import java.util.List;

/** A series' labels and its chunks ordered by time, as written into a block. Immutable by convention. */
public record SeriesChunks(Labels labels, List<ChunkMeta> chunks) {}
