package dev.sextant.scrape.exposition;

import dev.sextant.tsdb.model.LabelsBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Renders a parse as one line per entry, so tables can compare whole expositions. */
final class ParserTestSupport {
    private ParserTestSupport() {}

    static List<String> parse(ExpositionParser p, String input) throws ParseException {
        byte[] b = input.getBytes(StandardCharsets.UTF_8);
        p.reset(b, 0, b.length);
        List<String> out = new ArrayList<>();
        LabelsBuilder lb = new LabelsBuilder();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.END) {
            switch (e) {
                case SAMPLE -> {
                    lb.reset();
                    p.labels(lb);
                    String s = lb.build() + " " + p.value() + (p.hasTimestamp() ? " @" + p.timestampMillis() : "");
                    if (p.hasExemplar()) {
                        lb.reset();
                        p.exemplarLabels(lb);
                        s += " # " + lb.build() + " " + p.exemplarValue() + (p.exemplarHasTimestamp() ? " @" + p.exemplarTimestampMillis() : "");
                    }
                    out.add(s);
                }
                case TYPE -> out.add("TYPE " + p.familyName() + " " + p.type().text());
                case HELP -> out.add("HELP " + p.familyName() + " " + p.text());
                case UNIT -> out.add("UNIT " + p.familyName() + " " + p.text());
                default -> throw new AssertionError(e);
            }
        }
        return out;
    }
}
