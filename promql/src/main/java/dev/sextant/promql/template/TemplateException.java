package dev.sextant.promql.template;

/** A template that does not parse, or fails while executing; the message follows Go's {@code template: name:line: ...}. */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
