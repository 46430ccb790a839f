package dev.sextant.tsdb.wal;

/** A WAL record failed to read: where it starts, so the caller can truncate there. Immutable. */
public final class WalCorruptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int segment;
    private final long offset;

    public WalCorruptionException(int segment, long offset, String reason) {
        super("corruption in WAL segment " + segment + " at offset " + offset + ": " + reason);
        this.segment = segment;
        this.offset = offset;
    }

    public int segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }
}
