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

    /**
     * Invalid queries with the exact first error Prometheus 3.x reports (its promql/parser
     * parse_test.go: position as line:column of the error's start, then the message).
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
        "rate(foo[5m], 1)|1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2",
        "round(foo, 1, 2)|1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
        "label_join(foo)|1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
        "sum(foo[5m])|1:5: parse error: expected type instant vector in aggregation expression, got range vector",
        "topk(bar)|1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        "foo + on(a) group_left(a) bar|1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once",
        "1 + on(a) foo|1:1: parse error: vector matching only allowed between instant vectors",
        "foo[5m] + 1|1:1: parse error: binary expression must contain only scalar and instant vector types",
        "(foo)[5m]|1:6: parse error: ranges only allowed for vector selectors",
        "foo @ 1 @ 2|1:1: parse error: @ <timestamp> may not be set multiple times",
        "{job=~\".*\"}|1:1: parse error: vector selector must contain at least one non-empty matcher",
        "foo $|1:5: parse error: unexpected character: '$'",
        "sum by (a) (foo) by (b)|1:18: parse error: unexpected <by>",
        "1+|1:3: parse error: unexpected end of input",
        ".|1:1: parse error: unexpected character: '.'",
        "2.5.|1:1: parse error: bad number or duration syntax: \"2.5.\"",
        "100..4|1:1: parse error: bad number or duration syntax: \"100..\"",
        "0deadbeef|1:1: parse error: bad number or duration syntax: \"0de\"",
        "1 /|1:4: parse error: unexpected end of input",
        "*1|1:1: parse error: unexpected <op:*>",
        "(1))|1:5: parse error: unexpected right parenthesis ')'",
        "((1)|1:5: parse error: unclosed left parenthesis",
        "(|1:2: parse error: unclosed left parenthesis",
        "sum(|1:5: parse error: unclosed left parenthesis",
        "sum(rate(|1:10: parse error: unclosed left parenthesis",
        "sum(foo|1:8: parse error: unclosed left parenthesis",
        "1 and 1|1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
        "1 or 1|1:1: parse error: set operator \"or\" not allowed in binary scalar expression",
        "1 unless foo|1:1: parse error: set operator \"unless\" not allowed in binary scalar expression",
        "foo and 1|1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
        "1 == 1|1:3: parse error: comparisons between scalars must use BOOL modifier",
        "1 !~ 1|1:3: parse error: unexpected character after '!': '~'",
        "1 =~ 1|1:3: parse error: unexpected character after '=': '~'",
        "-\"string\"|1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\"",
        "-test[5m]|1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"",
        "*test|1:1: parse error: unexpected <op:*>",
        "@@|1:1: parse error: unexpected <op:@>",
        "1 offset 1d|1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        "foo offset 1s offset 2s|1:1: parse error: offset may not be set multiple times",
        "a - on(b) ignoring(c) d|1:11: parse error: unexpected <ignoring>",
        "1 or on(bar) foo|1:1: parse error: vector matching only allowed between instant vectors",
        "foo == on(bar) 10|1:1: parse error: vector matching only allowed between instant vectors",
        "foo + group_left(baz) bar|1:7: parse error: unexpected <group_left>",
        "foo and on(bar) group_left(baz) bar|1:1: parse error: no grouping allowed for \"and\" operation",
        "foo unless on(bar) group_right(baz) bar|1:1: parse error: no grouping allowed for \"unless\" operation",
        "http_requests{group=\"production\"} + on(instance) group_left(job,instance) cpu_count{type=\"smp\"}|1:35: parse error: label \"instance\" must not occur in ON and GROUP clause at once",
        "foo + bool bar|1:5: parse error: bool modifier can only be used on comparison operators",
        "foo + bool 10|1:5: parse error: bool modifier can only be used on comparison operators",
        "foo and bool 10|1:5: parse error: bool modifier can only be used on comparison operators",
        "foo @ +Inf|1:1: parse error: timestamp out of bounds for @ modifier: +Inf",
        "foo @ -Inf|1:1: parse error: timestamp out of bounds for @ modifier: -Inf",
        "foo @ NaN|1:1: parse error: timestamp out of bounds for @ modifier: NaN",
        "foo @ 9223372036854775808.000000|1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000",
        "{|1:2: parse error: unexpected end of input inside braces",
        "}|1:1: parse error: unexpected character: '}'",
        "some{|1:6: parse error: unexpected end of input inside braces",
        "some}|1:5: parse error: unexpected character: '}'",
        "some_metric{a=b}|1:15: parse error: unexpected identifier \"b\" in label matching, expected string",
        "some_metric{a:b=\"b\"}|1:14: parse error: unexpected character inside braces: ':'",
        "foo{a*\"b\"}|1:6: parse error: unexpected character inside braces: '*'",
        "foo{a>=\"b\"}|1:6: parse error: unexpected character inside braces: '>'",
        "foo{gibberish}|1:14: parse error: unexpected \"}\" in label matching, expected label matching operator",
        "foo{1}|1:5: parse error: unexpected character inside braces: '1'",
        "{}|1:1: parse error: vector selector must contain at least one non-empty matcher",
        "{x=\"\"}|1:1: parse error: vector selector must contain at least one non-empty matcher",
        "{x!~\".+\"}|1:1: parse error: vector selector must contain at least one non-empty matcher",
        "foo{__name__=\"bar\"}|1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\"",
        "foo{__name__= =}|1:15: parse error: unexpected \"=\" in label matching, expected string",
        "foo{,}|1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\"",
        "foo{__name__ == \"bar\"}|1:15: parse error: unexpected \"=\" in label matching, expected string",
        "foo{__name__=\"bar\" lol}|1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\"",
        "foo{\"a\"=}|1:9: parse error: unexpected \"}\" in label matching, expected string",
        "foo[5mm]|1:5: parse error: bad number or duration syntax: \"5mm\"",
        "foo[5m1]|1:5: parse error: bad number or duration syntax: \"5m1\"",
        "foo[5m:1m1]|1:8: parse error: bad number or duration syntax: \"1m1\"",
        "foo[5m1h]|1:5: parse error: not a valid duration string: \"5m1h\"",
        "foo[5m1m]|1:5: parse error: not a valid duration string: \"5m1m\"",
        "foo[0m]|1:5: parse error: duration must be greater than 0",
        "foo[-1]|1:5: parse error: duration must be greater than 0",
        "foo[\"5m\"]|1:5: parse error: unexpected character in duration expression: '\"'",
        "foo[]|1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()",
        "foo[step]|1:9: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()",
        "some_metric[5m] OFFSET 1mm|1:24: parse error: bad number or duration syntax: \"1mm\"",
        "some_metric[5m] OFFSET|1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()",
        "some_metric OFFSET 1m[5m]|1:22: parse error: no offset modifiers allowed before range",
        "some_metric[5m] @|1:18: parse error: unexpected end of input in @, expected timestamp",
        "some_metric @ 1234 [5m]|1:20: parse error: no @ modifiers allowed before range",
        "some_metric @ start() [5m]|1:23: parse error: no @ modifiers allowed before range",
        "some_metric offset step()[5m]|1:26: parse error: no offset modifiers allowed before range",
        "(foo + bar)[5m]|1:12: parse error: ranges only allowed for vector selectors",
        "sum by (\"foo)(some_metric{})|1:9: parse error: unterminated quoted string",
        "sum without(==)(some_metric)|1:13: parse error: unexpected <op:==> in grouping opts, expected label",
        "sum without(,)(some_metric)|1:13: parse error: unexpected \",\" in grouping opts, expected label",
        "sum without(foo,,)(some_metric)|1:17: parse error: unexpected \",\" in grouping opts, expected label",
        "sum some_metric by (test)|1:5: parse error: unexpected identifier \"some_metric\"",
        "sum (some_metric) by test|1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\"",
        "sum () by (test)|1:1: parse error: no arguments for aggregate expression provided",
        "MIN keep_common (some_metric)|1:5: parse error: unexpected identifier \"keep_common\"",
        "MIN (some_metric) keep_common|1:19: parse error: unexpected identifier \"keep_common\"",
        "sum (some_metric) without (test) by (test)|1:34: parse error: unexpected <by>",
        "sum without (test) (some_metric) by (test)|1:34: parse error: unexpected <by>",
        "topk(some_metric)|1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
        "topk(some_metric,)|1:17: parse error: trailing commas not allowed in function call args",
        "topk(some_metric, other_metric)|1:6: parse error: expected type scalar in aggregation parameter, got instant vector",
        "count_values(5, other_metric)|1:14: parse error: expected type string in aggregation parameter, got scalar",
        "rate(some_metric[5m]) @ 1234|1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
        "floor()|1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0",
        "floor(some_metric, other_metric)|1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2",
        "floor(some_metric, 1)|1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2",
        "floor(1)|1:7: parse error: expected type instant vector in call to function \"floor\", got scalar",
        "hour(some_metric, some_metric, some_metric)|1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3",
        "time(some_metric)|1:1: parse error: expected 0 argument(s) in call to \"time\", got 1",
        "non_existent_function_far_bar()|1:1: parse error: unknown function with name \"non_existent_function_far_bar\"",
        "rate(some_metric)|1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
        "rate(avg)|1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
        "-=|1:2: parse error: unexpected \"=\"",
        "++-++-+-+-<|1:11: parse error: unexpected <op:<>",
        "e-+=/(0)|1:4: parse error: unexpected \"=\"",
        "a>b()|1:3: parse error: unknown function with name \"b\"",
        "`\\``|1:4: parse error: unterminated raw string",
        "\"\\|1:1: parse error: escape sequence not terminated",
        "\"\\c\"|1:1: parse error: unknown escape sequence U+0063 'c'",
        "\"\\x.\"|1:1: parse error: illegal character U+002E '.' in escape sequence",
        "foo{bar=\"baz\"}[|1:16: parse error: unexpected end of input in duration expression",
        "test[5d] OFFSET 10s [10m:5s]|1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
        "(foo + bar{nm=\"val\"})[5m:][10m:5s]|1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
        "rate(food[1m])[1h] offset 1h|1:15: parse error: ranges only allowed for vector selectors",
        "rate(food[1m])[1h] @ 100|1:15: parse error: ranges only allowed for vector selectors",
        "foo[5s x 5s]|1:8: parse error: unexpected character: 'x', expected ':'",
        "foo[5s s 5s]|1:8: parse error: unexpected character: 's', expected ':'",
        "1[5m] smoothed|1:2: parse error: ranges only allowed for vector selectors",
        "1[5m] anchored|1:2: parse error: ranges only allowed for vector selectors",
        "foo[5s/0d]|1:7: parse error: division by zero",
        "foo[5s%0d]|1:7: parse error: modulo by zero",
        "foo offset (4d/0)|1:15: parse error: division by zero",
        "foo offset 9.5e10|1:12: parse error: duration out of range",
        "foo[9.5e10]|1:5: parse error: duration out of range",
        "info(rate(http_request_counter_total{}[5m]), target_info{foo=\"bar\"})|1:46: parse error: expected label selectors only, got vector selector instead",
        "info(http_request_counter_total{namespace=\"zzz\"}, {foo=\"bar\"} == 1)|1:51: parse error: expected label selectors only",
    })
    void invalidQueries(String query, String message) {
        assertThatThrownBy(() -> QueryParser.parse(query)).isInstanceOf(ParseException.class).hasMessage(message);
    }

    /** From the same table: a literal that overflows float64 (309 digits). */
    @Test
    void numberOutOfRangeIsGosParseFloatError() {
        String nines = "9".repeat(309);
        assertThatThrownBy(() -> QueryParser.parse(nines)).isInstanceOf(ParseException.class).hasMessage(
                "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"" + nines + "\": value out of range");
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
