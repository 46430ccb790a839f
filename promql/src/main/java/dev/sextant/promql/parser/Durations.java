package dev.sextant.promql.parser;

import org.antlr.v4.runtime.Token;

/** PromQL duration literals: {@code <int><unit>} groups, largest unit first, each unit at most once. */
final class Durations {
    private Durations() {}

    /** Milliseconds of a DURATION token. @throws ParseException when units repeat or are out of order */
    static long parse(Token t) {
        String s = t.getText();
        long total = 0;
        int i = 0;
        int lastRank = Integer.MAX_VALUE;
        while (i < s.length()) {
            int st = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            long n;
            try {
                n = Long.parseLong(s.substring(st, i));
            } catch (NumberFormatException e) {
                throw AstBuilder.error(t, "not a valid duration string: \"" + s + "\"");
            }
            int us = i;
            if (s.startsWith("ms", i)) {
                i += 2;
            } else if (i < s.length()) {
                i++;
            }
            String unit = s.substring(us, i);
            int rank;
            long mult;
            switch (unit) {
                case "y" -> { rank = 7; mult = 365L * 86_400_000L; }
                case "w" -> { rank = 6; mult = 7L * 86_400_000L; }
                case "d" -> { rank = 5; mult = 86_400_000L; }
                case "h" -> { rank = 4; mult = 3_600_000L; }
                case "m" -> { rank = 3; mult = 60_000L; }
                case "s" -> { rank = 2; mult = 1000L; }
                case "ms" -> { rank = 1; mult = 1L; }
                default -> throw AstBuilder.error(t, "not a valid duration string: \"" + s + "\"");
            }
            if (rank >= lastRank) {
                throw AstBuilder.error(t, "not a valid duration string: \"" + s + "\"");
            }
            lastRank = rank;
            try {
                total = Math.addExact(total, Math.multiplyExact(n, mult));
            } catch (ArithmeticException e) {
                throw AstBuilder.error(t, "not a valid duration string: \"" + s + "\": duration out of range");
            }
        }
        return total;
    }
}
