package dev.sextant.tsdb.storage;

/** A storage error. Subclasses carry Prometheus's error texts, since clients match on them. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The sample is older than the newest sample of its series. */
    public static final class OutOfOrder extends StorageException {
        private static final long serialVersionUID = 1L;

        public OutOfOrder() {
            super("out of order sample");
        }
    }

    /** Same timestamp as the newest sample of its series, but a different value. */
    public static final class DuplicateSample extends StorageException {
        private static final long serialVersionUID = 1L;

        public DuplicateSample() {
            super("duplicate sample for timestamp");
        }
    }

    /** The sample is older than what the head accepts. */
    public static final class OutOfBounds extends StorageException {
        private static final long serialVersionUID = 1L;

        public OutOfBounds() {
            super("out of bounds");
        }
    }

    /** The label set is not acceptable (empty, no metric name, duplicate names). */
    public static final class InvalidLabels extends StorageException {
        private static final long serialVersionUID = 1L;

        public InvalidLabels(String message) {
            super(message);
        }
    }
}
