// PromQL grammar (Prometheus 3.x). Precedence is encoded by the order of the left-recursive
// alternatives of `expr`: postfix modifiers bind tightest, then `^` (right-assoc), unary +/-,
// * / % atan2, + -, comparisons, and/unless, or. Type checks live in AstBuilder.
grammar PromQL;

@parser::members {
    /** The extended range modifiers; any other word after an expression is a syntax error. */
    static boolean isExtension(String word) {
        return word.equals("anchored") || word.equals("smoothed");
    }

    static boolean isFillModifier(String word) {
        return word.equals("fill") || word.equals("fill_left") || word.equals("fill_right");
    }
}

expression
    : expr EOF
    ;

expr
    : expr LEFT_BRACKET durationExpr RIGHT_BRACKET                                   # rangeExpr
    | expr LEFT_BRACKET durationExpr COLON durationExpr? RIGHT_BRACKET               # subqueryExpr
    | expr OFFSET offsetValue                                                        # offsetExpr
    | expr AT atValue                                                                # atExpr
    | expr {isExtension(_input.LT(1).getText())}? IDENTIFIER                       # extendedExpr
    | <assoc=right> expr op=POW binModifier expr                                     # binaryExpr
    | op=(ADD | SUB) expr                                                            # unaryExpr
    | expr op=(MUL | DIV | MOD | ATAN2) binModifier expr                             # binaryExpr
    | expr op=(ADD | SUB) binModifier expr                                           # binaryExpr
    | expr op=(EQLC | NE | GT | GTE | LT | LTE) binModifier expr                     # binaryExpr
    | expr op=(AND | UNLESS) binModifier expr                                        # binaryExpr
    | expr op=OR binModifier expr                                                    # binaryExpr
    | LEFT_PAREN expr RIGHT_PAREN                                                    # parenExpr
    | IDENTIFIER pre=grouping? LEFT_PAREN (expr (COMMA expr)* COMMA?)? RIGHT_PAREN post=grouping?  # callExpr
    | NUMBER                                                                         # numberLiteral
    | DURATION                                                                       # durationNumber
    | STRING                                                                         # stringLiteral
    | vectorSelector                                                                 # selectorExpr
    ;

binModifier
    : BOOL? (matchKind=(ON | IGNORING) labelList (groupKind=(GROUP_LEFT | GROUP_RIGHT) labelList?)?)? fillModifier*
    ;

// fill(v), fill_left(v), fill_right(v): the words stay usable as metric names elsewhere.
fillModifier
    : {isFillModifier(_input.LT(1).getText())}? IDENTIFIER LEFT_PAREN sign=(ADD | SUB)? NUMBER RIGHT_PAREN
    ;

grouping
    : kind=(BY | WITHOUT) labelList
    ;

labelList
    : LEFT_PAREN (labelName (COMMA labelName)* COMMA?)? RIGHT_PAREN
    ;

offsetValue
    : sign=(ADD | SUB)? durationAtom
    ;

atValue
    : sign=(ADD | SUB)? (NUMBER | DURATION)
    | IDENTIFIER LEFT_PAREN RIGHT_PAREN
    ;

durationExpr
    : <assoc=right> durationExpr op=POW durationExpr                  # durBinary
    | op=(ADD | SUB) durationExpr                                     # durUnary
    | durationExpr op=(MUL | DIV | MOD) durationExpr                  # durBinary
    | durationExpr op=(ADD | SUB) durationExpr                        # durBinary
    | durationAtom                                                    # durAtom
    ;

durationAtom
    : LEFT_PAREN durationExpr RIGHT_PAREN                             # durParen
    | IDENTIFIER LEFT_PAREN (durationExpr (COMMA durationExpr)*)? RIGHT_PAREN   # durCall
    | DURATION                                                        # durLiteral
    | NUMBER                                                          # durLiteral
    ;

vectorSelector
    : metricName labelMatchers?
    | labelMatchers
    ;

metricName
    : IDENTIFIER
    | METRIC_IDENTIFIER
    | BY
    | WITHOUT
    | OFFSET
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
    | AND | OR | UNLESS | ATAN2 | BOOL | ON | IGNORING | GROUP_LEFT | GROUP_RIGHT | OFFSET | BY | WITHOUT
    ;

matchOp
    : EQ
    | NE
    | RE
    | NRE
    ;

AND         options { caseInsensitive = true; } : 'and' ;
OR          options { caseInsensitive = true; } : 'or' ;
UNLESS      options { caseInsensitive = true; } : 'unless' ;
ATAN2       options { caseInsensitive = true; } : 'atan2' ;
BOOL        options { caseInsensitive = true; } : 'bool' ;
ON          options { caseInsensitive = true; } : 'on' ;
IGNORING    options { caseInsensitive = true; } : 'ignoring' ;
GROUP_LEFT  options { caseInsensitive = true; } : 'group_left' ;
GROUP_RIGHT options { caseInsensitive = true; } : 'group_right' ;
OFFSET      options { caseInsensitive = true; } : 'offset' ;
BY          options { caseInsensitive = true; } : 'by' ;
WITHOUT     options { caseInsensitive = true; } : 'without' ;

LEFT_BRACE    : '{' ;
RIGHT_BRACE   : '}' ;
LEFT_PAREN    : '(' ;
RIGHT_PAREN   : ')' ;
LEFT_BRACKET  : '[' ;
RIGHT_BRACKET : ']' ;
COMMA         : ',' ;
COLON         : ':' ;
AT            : '@' ;
EQLC          : '==' ;
NE            : '!=' ;
GTE           : '>=' ;
LTE           : '<=' ;
GT            : '>' ;
LT            : '<' ;
RE            : '=~' ;
NRE           : '!~' ;
EQ            : '=' ;
ADD           : '+' ;
SUB           : '-' ;
MUL           : '*' ;
DIV           : '/' ;
MOD           : '%' ;
POW           : '^' ;

DURATION
    : ([0-9]+ ('ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y'))+
    ;

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

STRING : STRING_BODY ;

fragment STRING_BODY
    : '"' (~["\\\n] | '\\' .)* '"'
    | '\'' (~['\\\n] | '\\' .)* '\''
    | '`' ~'`'* '`'
    ;

IDENTIFIER        : [a-zA-Z_] [a-zA-Z0-9_]* ;
METRIC_IDENTIFIER : [a-zA-Z_] [a-zA-Z0-9_:]* | ':' [a-zA-Z_:] [a-zA-Z0-9_:]* ;

COMMENT : '#' ~[\r\n]* -> skip ;
WS      : [ \t\r\n]+ -> skip ;

// Anything else is reported as an unexpected character by the error listener.
ERROR_CHAR : . ;

