// PromQL grammar (walking skeleton): number and string literals and vector selectors.
// The full language (operators, functions, aggregations, ranges, subqueries) builds on this file.
grammar PromQL;

expression
    : expr EOF
    ;

expr
    : sign=(ADD | SUB)? NUMBER   # numberLiteral
    | STRING                     # stringLiteral
    | vectorSelector             # selectorExpr
    ;

vectorSelector
    : metricName labelMatchers?
    | labelMatchers
    ;

metricName
    : IDENTIFIER
    | METRIC_IDENTIFIER
    ;

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

labelMatcher
    : labelName matchOp STRING   # nameMatcher
    | STRING                     # quotedMetricName
    ;

labelName
    : IDENTIFIER
    | STRING
    ;

matchOp
    : EQ
    | NE
    | RE
    | NRE
    ;

LEFT_BRACE  : '{' ;
RIGHT_BRACE : '}' ;
COMMA       : ',' ;
EQ          : '=' ;
NE          : '!=' ;
RE          : '=~' ;
NRE         : '!~' ;
ADD         : '+' ;
SUB         : '-' ;

NUMBER
    : DECIMAL
    | HEX
    | [iI] [nN] [fF]
    | [nN] [aA] [nN]
    ;

fragment DECIMAL
    : DIGITS ('.' DIGITS?)? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;
fragment DIGITS   : [0-9] ('_'? [0-9])* ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
fragment HEX      : '0' [xX] [0-9a-fA-F] ('_'? [0-9a-fA-F])* ;

STRING
    : '"' (~["\\\n] | '\\' .)* '"'
    | '\'' (~['\\\n] | '\\' .)* '\''
    | '`' ~'`'* '`'
    ;

IDENTIFIER        : [a-zA-Z_] [a-zA-Z0-9_]* ;
METRIC_IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]* ;

COMMENT : '#' ~[\r\n]* -> skip ;
WS      : [ \t\r\n]+ -> skip ;

// Anything else is reported as an unexpected character by the error listener.
ERROR_CHAR : . ;
