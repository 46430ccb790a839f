package dev.sextant.api.remote.send;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A queue's persisted WAL position ({@code <data>/remote_write/<name>-<hash>.progress}): one line of
 * ASCII, {@code <segment> <offset>\n}, both decimal. Every sample in records that start before
 * this position was sent or dropped for good. Written to {@code <file>.tmp} and renamed over the old
 * file, so a crash leaves either the old or the new position. See
 * {@code docs/format/remote-write-progress.md}.
 *
 * <p>Thread-safety: stateless static methods.
 */
final class ProgressFile {
    private ProgressFile() {}

    /** The position, or null when the file is missing; throws for an unreadable file. */
    static long[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new IOException("progress file " + file + " does not end with a newline");
        }
        String[] f = text.substring(0, text.length() - 1).split(" ");
        if (f.length != 2) {
            throw new IOException("progress file " + file + ": expected \"<segment> <offset>\", got \"" + text.trim() + "\"");
        }
        try {
            long seg = Long.parseLong(f[0]);
            long off = Long.parseLong(f[1]);
            if (seg < 0 || seg > Integer.MAX_VALUE || off < 0) {
                throw new IOException("progress file " + file + ": position out of range");
            }
            return new long[] {seg, off};
        } catch (NumberFormatException e) {
            throw new IOException("progress file " + file + ": " + e.getMessage());
        }
    }

    static void write(Path file, int segment, long offset) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, segment + " " + offset + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
