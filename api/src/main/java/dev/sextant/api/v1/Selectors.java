package dev.sextant.api.v1;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.VectorSelector;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import dev.sextant.tsdb.model.Matcher;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code match[]} parameters: each must be an instant-vector selector. */
final class Selectors {
    private Selectors() {}

    static List<Matcher[]> parse(List<String> selectors) throws ApiException {
        List<Matcher[]> out = new ArrayList<>(selectors.size());
        for (String s : selectors) {
            Expr e;
            try {
                e = QueryParser.parse(s);
            } catch (ParseException ex) {
                throw ApiException.invalidParam("match[]", ex.getMessage());
            }
            if (!(e instanceof VectorSelector v)) {
                throw ApiException.invalidParam("match[]", "1:1: parse error: expected type instant vector in "
                        + "series selector, got " + e.type().documentedName());
            }
            boolean nonEmpty = false;
            for (Matcher m : v.matchers()) {
                if (!m.matchesEmpty()) {
                    nonEmpty = true;
                    break;
                }
            }
            if (!nonEmpty) {
                throw ApiException.invalidParam("match[]", "match[] must contain at least one non-empty matcher");
            }
            out.add(v.matchers().toArray(new Matcher[0]));
        }
        return out;
    }
}
