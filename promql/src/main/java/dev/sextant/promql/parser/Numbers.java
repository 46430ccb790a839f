package dev.sextant.promql.parser;

/** Parsing of PromQL number literals (decimal, hex, Inf, NaN, with '_' digit separators). */
final class Numbers {
    private Numbers() {}

    /** Parses a number token; one that Go's ParseInt and ParseFloat both refuse is a parse error. */
    static double parse(org.antlr.v4.runtime.Token t) {
        double v;
        try {
            v = parse(t.getText());
        } catch (NumberFormatException e) {
            throw AstBuilder.error(t, "error parsing number: " + t.getText());
        }
        if (Double.isInfinite(v) && !t.getText().toLowerCase(java.util.Locale.ROOT).contains("inf")) {
            // Go's ParseFloat refuses what overflows a float64.
            throw AstBuilder.error(t, "error parsing number: strconv.ParseFloat: parsing \"" + t.getText()
                    + "\": value out of range");
        }
        return v;
    }

    static double parse(String text) {
        String s = text.indexOf('_') >= 0 ? text.replace("_", "") : text;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        if (lower.startsWith("0x")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        return Double.parseDouble(s);
    }
}
