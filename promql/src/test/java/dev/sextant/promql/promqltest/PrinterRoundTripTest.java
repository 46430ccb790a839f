package dev.sextant.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.Printer;
import dev.sextant.promql.parser.ParseException;
import dev.sextant.promql.parser.QueryParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Property over the whole upstream corpus: printing a parsed expression and parsing it again gives
 * the same tree (and the same text), so the {@code @}-variants test what the original query meant.
 */
class PrinterRoundTripTest {

    @Test
    void everyCorpusExpressionRoundTrips() throws Exception {
        int checked = 0;
        for (Path f : UpstreamConformanceTest.files()) {
            TestScript script = TestScript.parse(f.getFileName().toString(), Files.readString(f));
            for (TestScript.Command c : script.commands()) {
                if (!(c instanceof TestScript.Eval e)) {
                    continue;
                }
                Expr parsed;
                try {
                    parsed = QueryParser.parse(e.expr());
                } catch (ParseException ex) {
                    continue;
                }
                String printed = Printer.print(parsed);
                Expr reparsed = QueryParser.parse(printed);
                assertThat(Printer.print(reparsed)).as("%s:%d %s", script.name(), e.line(), e.expr())
                        .isEqualTo(printed);
                assertThat(reparsed.type()).isEqualTo(parsed.type());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(2000);
    }
}
