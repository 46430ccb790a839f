package dev.sextant.tsdb.head;

/**
 * Live progress of the WAL replay that runs inside {@code Tsdb.open} / {@code Head.open}, for
 * {@code /api/v1/status/walreplay}. Create one, pass it to the opening call, and poll {@link
 * #get()} from another thread while open runs: the state moves from {@code "waiting"} to {@code
 * "in progress"} (with the segment range and the segment being read) to {@code "done"}.
 *
 * <p>Thread-safety: thread-safe; the status is one volatile immutable value, so readers always see
 * a consistent min/max/current/state.
 */
public final class WalReplayProgress {
    public static final String WAITING = "waiting";
    public static final String IN_PROGRESS = "in progress";
    public static final String DONE = "done";

    /**
     * One observation of the replay.
     *
     * @param min first WAL segment replayed (-1 when there is none)
     * @param max last WAL segment replayed (-1 when there is none)
     * @param current segment being (or last) read (-1 before the first)
     * @param state {@link #WAITING}, {@link #IN_PROGRESS} or {@link #DONE}
     */
    public record Status(int min, int max, int current, String state) {}

    private volatile Status status = new Status(-1, -1, -1, WAITING);

    public Status get() {
        return status;
    }

    void start(int min, int max) {
        status = new Status(min, max, -1, IN_PROGRESS);
    }

    void segment(int current) {
        Status s = status;
        status = new Status(s.min(), s.max(), current, s.state());
    }

    void done() {
        Status s = status;
        status = new Status(s.min(), s.max(), s.max(), DONE);
    }
}
