package dev.sextant.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.promql.ast.AggregateExpr;
import dev.sextant.promql.ast.AggregateOp;
import dev.sextant.promql.ast.BinaryExpr;
import dev.sextant.promql.ast.BinaryOp;
import dev.sextant.promql.ast.Call;
import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.ast.MatrixSelector;
import dev.sextant.promql.ast.NumberLiteral;
import dev.sextant.promql.ast.Subquery;
import dev.sextant.promql.ast.VectorMatching;
import dev.sextant.promql.ast.VectorSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests for the full grammar: precedence, modifiers, durations and Prometheus's error texts. */
class ParserTableTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
        "rate(foo)|1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
        "rate(foo[5m], 1)|1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2",
        "round(foo, 1, 2)|1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
        "label_join(foo)|1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
        "nosuchfn(foo)|1:1: parse error: unknown function with name \"nosuchfn\"",
        "sum(foo[5m])|1:5: parse error: expected type instant vector in aggregation expression, got range vector",
        "topk(foo, bar)|1:6: parse error: expected type scalar in aggregation parameter, got instant vector",
        "count_values(1, foo)|1:14: parse error: expected type string in aggregation parameter, got scalar",
        "topk(bar)|1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        "1 == 1|1:1: parse error: comparisons between scalars must use BOOL modifier",
        "foo + bool bar|1:1: parse error: bool modifier can only be used on comparison operators",
        "1 and foo|1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
        "foo and on(a) group_left bar|1:1: parse error: no grouping allowed for \"and\" operation",
        "foo + on(a) group_left(a) bar|1:1: parse error: label \"a\" must not occur in ON and GROUP clause at once",
        "1 + on(a) foo|1:1: parse error: vector matching only allowed between instant vectors",
        "foo[5m] + 1|1:1: parse error: binary expression must contain only scalar and instant vector types",
        "-foo[5m]|1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"",
        "(foo)[5m]|1:1: parse error: ranges only allowed for vector selectors",
        "1 offset 5m|1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        "foo offset 5m offset 1m|1:22: parse error: offset may not be set multiple times",
        "foo @ 1 @ 2|1:11: parse error: @ <timestamp> may not be set multiple times",
        "foo[5m1h]|1:5: parse error: not a valid duration string: \"5m1h\"",
        "{job=~\".*\"}|1:1: parse error: vector selector must contain at least one non-empty matcher",
        "sum(foo|1:8: parse error: unexpected <EOF>",
        "foo{|1:5: parse error: unexpected <EOF>",
        "foo $|1:5: parse error: unexpected character: '$'",
        "sum by (a) (foo) by (b)|1:18: parse error: unexpected grouping after aggregation",
    })
    void invalidQueries(String query, String message) {
        assertThatThrownBy(() -> QueryParser.parse(query)).isInstanceOf(ParseException.class).hasMessage(message);
    }

    private static double literal(String q) {
        return ((NumberLiteral) QueryParser.parse(q)).value();
    }

    @Test
    void unaryMinusBindsLooserThanPower() {
        dev.sextant.promql.ast.UnaryExpr e = (dev.sextant.promql.ast.UnaryExpr) QueryParser.parse("-2 ^ 2");
        assertThat(((BinaryExpr) e.expr()).op()).isEqualTo(BinaryOp.POW);
        Expr neg = QueryParser.parse("-foo ^ 2");
        assertThat(neg).isInstanceOf(dev.sextant.promql.ast.UnaryExpr.class);
    }

    @Test
    void powerIsRightAssociativeOthersLeft() {
        BinaryExpr pow = (BinaryExpr) QueryParser.parse("2 ^ 3 ^ 2");
        assertThat(pow.lhs()).isInstanceOf(NumberLiteral.class);
        assertThat(pow.rhs()).isInstanceOf(BinaryExpr.class);
        BinaryExpr sub = (BinaryExpr) QueryParser.parse("1 - 2 - 3");
        assertThat(sub.lhs()).isInstanceOf(BinaryExpr.class);
        assertThat(sub.rhs()).isInstanceOf(NumberLiteral.class);
    }

    @Test
    void setOperatorPrecedence() {
        BinaryExpr or = (BinaryExpr) QueryParser.parse("a or b and c unless d");
        assertThat(or.op()).isEqualTo(BinaryOp.OR);
        assertThat(((BinaryExpr) or.rhs()).op()).isEqualTo(BinaryOp.UNLESS);
        BinaryExpr cmp = (BinaryExpr) QueryParser.parse("a + b > c * d");
        assertThat(cmp.op()).isEqualTo(BinaryOp.GTR);
    }

    @Test
    void numbersAndDurations() {
        assertThat(literal("0x1F")).isEqualTo(31);
        assertThat(literal("1_000")).isEqualTo(1000);
        assertThat(literal("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(literal("1h30m")).isEqualTo(5400);
        MatrixSelector m = (MatrixSelector) QueryParser.parse("foo[1h30m]");
        assertThat(m.range().millis(0, 0)).isEqualTo(5_400_000);
        MatrixSelector sec = (MatrixSelector) QueryParser.parse("foo[90]");
        assertThat(sec.range().millis(0, 0)).isEqualTo(90_000);
        MatrixSelector expr = (MatrixSelector) QueryParser.parse("foo[5m * 2]");
        assertThat(expr.range().millis(0, 0)).isEqualTo(600_000);
        MatrixSelector step = (MatrixSelector) QueryParser.parse("foo[step() + 1s]");
        assertThat(step.range().millis(10_000, 0)).isEqualTo(11_000);
    }

    @Test
    void modifiersAndSubqueries() {
        VectorSelector v = (VectorSelector) QueryParser.parse("foo offset -5m @ end()");
        assertThat(v.offset().millis(0, 0)).isEqualTo(-300_000);
        assertThat(v.at().kind()).isEqualTo(dev.sextant.promql.ast.AtModifier.Kind.END);
        Subquery s = (Subquery) QueryParser.parse("rate(foo[5m])[30m:1m] @ 100 offset 1m");
        assertThat(s.range().millis(0, 0)).isEqualTo(1_800_000);
        assertThat(s.step().millis(0, 0)).isEqualTo(60_000);
        assertThat(s.at().timeMs()).isEqualTo(100_000);
        assertThat(((Subquery) QueryParser.parse("foo[5m:]")).step()).isNull();
    }

    @Test
    void aggregationsAndMatching() {
        AggregateExpr a = (AggregateExpr) QueryParser.parse("SUM(foo) WITHOUT (a, b,)");
        assertThat(a.op()).isEqualTo(AggregateOp.SUM);
        assertThat(a.without()).isTrue();
        assertThat(a.grouping()).containsExactly("a", "b");
        AggregateExpr q = (AggregateExpr) QueryParser.parse("quantile by (job) (0.9, foo)");
        assertThat(q.param()).isInstanceOf(NumberLiteral.class);
        BinaryExpr b = (BinaryExpr) QueryParser.parse("foo * on(a) group_left(b) bar");
        assertThat(b.matching().card()).isEqualTo(VectorMatching.Cardinality.MANY_TO_ONE);
        assertThat(b.matching().include()).containsExactly("b");
        BinaryExpr f = (BinaryExpr) QueryParser.parse("foo + fill_left(1) fill_right(2) bar");
        assertThat(f.matching().fillLeft()).isEqualTo(1.0);
        assertThat(f.matching().fillRight()).isEqualTo(2.0);
        BinaryExpr named = (BinaryExpr) QueryParser.parse("fill + fill");
        assertThat(((VectorSelector) named.lhs()).name()).isEqualTo("fill");
        assertThat(((Call) QueryParser.parse("rate(foo[5m])")).function().name()).isEqualTo("rate");
    }

    @Test
    void byteEscapesFormUtf8LikeGo() {
        assertThat(QueryParser.unquote("\"\\xc3\\xa9\"")).isEqualTo("\u00e9");
        assertThat(QueryParser.unquote("\"\\303\\251x\"")).isEqualTo("\u00e9x");
        String invalid = QueryParser.unquote("\"a\\xc5z\"");
        assertThat(Strings.hasInvalidUtf8(invalid)).isTrue();
        assertThat(Strings.goQuote(invalid)).isEqualTo("\"a\\xc5z\"");
        assertThat(Strings.hasInvalidUtf8("\u00e9\ud83d\ude00")).isFalse();
    }
}
