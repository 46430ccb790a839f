package dev.sextant.promql.engine;

import dev.sextant.promql.ast.Expr;
import dev.sextant.promql.parser.QueryParser;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded cache of parsed query texts. Dashboards send the same query strings over and over
 * (every refresh, every panel), and the ANTLR parse of a short query costs tens of microseconds,
 * about 6 % of a small range query's server time (bench/README.md, branch query5). A parse
 * depends on nothing but the text, and the syntax tree is immutable (records over copied lists),
 * so one tree can serve any number of concurrent queries; the evaluator keys its per-query state
 * by node identity in its own maps.
 *
 * <p>Only successful parses are kept, only texts up to {@value #MAX_TEXT} characters, and at most
 * {@value #MAX_ENTRIES} of them: when full, the cache is emptied and refilled (no LRU bookkeeping
 * on the hot path; a working set larger than the cache just parses as before).
 *
 * <p>Thread-safety: thread-safe.
 */
final class ParsedQueries {
    static final int MAX_ENTRIES = 512;
    static final int MAX_TEXT = 4096;

    private final ConcurrentHashMap<String, Expr> cache = new ConcurrentHashMap<>();

    /** The parse of {@code query}. @throws dev.sextant.promql.parser.ParseException as {@link QueryParser#parse} */
    Expr parse(String query) {
        if (query.length() > MAX_TEXT) {
            return QueryParser.parse(query);
        }
        Expr e = cache.get(query);
        if (e == null) {
            e = QueryParser.parse(query);
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cache.put(query, e);
        }
        return e;
    }

    int size() {
        return cache.size();
    }
}
