package dev.sextant.scrape.exposition;

/** A malformed exposition; fails the scrape. The message starts with {@code line N:}. */
public final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public ParseException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line number of the offending line. */
    public int line() {
        return line;
    }
}
