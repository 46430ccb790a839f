package dev.sextant.promql.parser;

/**
 * A PromQL syntax or type error with its position. {@link #getMessage()} reads like Prometheus's:
 * {@code 1:6: parse error: unexpected <EOF>}.
 */
public final class ParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String detail;

    /**
     * @param line 1-based line
     * @param column 1-based column (in characters) where the problem starts
     * @param detail the message after {@code parse error: }
     */
    public ParseException(int line, int column, String detail) {
        super(line + ":" + column + ": parse error: " + detail);
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String detail() {
        return detail;
    }
}
