package org.ftb.config;

import org.ftb.message.Msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns PARMLIB-style text into statements. The grammar: a statement is a keyword followed by
 * operands {@code NAME(value ...)}; values are separated by commas or blanks; a statement ends where
 * the next bare keyword begins; {@code /* ... *}{@code /} comments nest and may span lines;
 * {@code 'quoted values'} keep their case, with {@code ''} for a quote; {@code &NAME.} symbols are
 * substituted inside values and keywords.
 */
public final class StatementParser {

    /**
     * UNCLOSED is a quoted value that reached the end of its line (FTB0102E is already reported). It
     * ends its operand there, so that one missing quote does not swallow the statements that follow.
     */
    private enum Kind { WORD, QUOTED, UNCLOSED, OPEN, CLOSE, COMMA, END }

    private record Token(Kind kind, String text, int line, int column) {
    }

    private final ConfigSource source;
    private final Symbols symbols;
    private final Diagnostics diagnostics;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    private StatementParser(ConfigSource source, Symbols symbols, Diagnostics diagnostics) {
        this.source = source;
        this.symbols = symbols;
        this.diagnostics = diagnostics;
    }

    public static List<Statement> parse(ConfigSource source, Symbols symbols, Diagnostics diagnostics) {
        StatementParser parser = new StatementParser(source, symbols, diagnostics);
        parser.tokenize();
        return parser.statements();
    }

    // ---- lexing ----

    private void tokenize() {
        List<String> lines = source.lines();
        int commentDepth = 0;
        int commentLine = 0;
        int commentColumn = 0;
        for (int l = 0; l < lines.size(); l++) {
            String text = lines.get(l);
            int lineNo = l + 1;
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (commentDepth > 0) {
                    if (text.startsWith("*/", i)) {
                        commentDepth--;
                        i += 2;
                    } else if (text.startsWith("/*", i)) {
                        commentDepth++;
                        i += 2;
                    } else {
                        i++;
                    }
                    continue;
                }
                if (text.startsWith("/*", i)) {
                    commentDepth = 1;
                    commentLine = lineNo;
                    commentColumn = i + 1;
                    i += 2;
                } else if (c == ' ' || c == '\t') {
                    i++;
                } else if (c == '(') {
                    tokens.add(new Token(Kind.OPEN, "(", lineNo, ++i));
                } else if (c == ')') {
                    tokens.add(new Token(Kind.CLOSE, ")", lineNo, ++i));
                } else if (c == ',') {
                    tokens.add(new Token(Kind.COMMA, ",", lineNo, ++i));
                } else if (c == '\'') {
                    i = quoted(text, i, lineNo);
                } else if (c < 0x20 || c == 0x7F) {
                    diagnostics.at(Msg.FTB0103E, lineNo, i + 1, String.format(Locale.ROOT, "X'%02X'", (int) c));
                    i++;
                } else {
                    int start = i;
                    while (i < text.length() && isWordChar(text.charAt(i)) && !text.startsWith("/*", i)) {
                        i++;
                    }
                    tokens.add(new Token(Kind.WORD, substitute(text.substring(start, i), lineNo, start + 1), lineNo, start + 1));
                }
            }
        }
        if (commentDepth > 0) {
            diagnostics.at(Msg.FTB0101E, commentLine, commentColumn);
        }
        tokens.add(new Token(Kind.END, "", lines.size() + 1, 1));
    }

    private static boolean isWordChar(char c) {
        return c > ' ' && c != 0x7F && c != '(' && c != ')' && c != ',' && c != '\'';
    }

    private int quoted(String text, int open, int lineNo) {
        StringBuilder value = new StringBuilder();
        int i = open + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    value.append('\'');
                    i += 2;
                    continue;
                }
                tokens.add(new Token(Kind.QUOTED, substitute(value.toString(), lineNo, open + 2), lineNo, open + 1));
                return i + 1;
            }
            value.append(c);
            i++;
        }
        diagnostics.at(Msg.FTB0102E, lineNo, open + 1);
        tokens.add(new Token(Kind.UNCLOSED, substitute(value.toString(), lineNo, open + 2), lineNo, open + 1));
        return text.length();
    }

    /** Replaces {@code &NAME.} and {@code &NAME}; an undefined symbol is kept and warned about. */
    private String substitute(String text, int lineNo, int column) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = i + 1;
            while (c == '&' && end < text.length() && end - i <= 8 && Symbols.isNameChar(text.charAt(end))) {
                end++;
            }
            String name = text.substring(i + 1, end);
            if (c != '&' || !Symbols.isValidName(name)) {
                out.append(c);
                i++;
                continue;
            }
            boolean dot = end < text.length() && text.charAt(end) == '.';
            String value = symbols.lookup(name).orElse(null);
            if (value == null) {
                diagnostics.at(Msg.FTB0108W, lineNo, column + i, name.toUpperCase(Locale.ROOT));
                out.append(text, i, dot ? end + 1 : end);
            } else {
                out.append(value);
            }
            i = dot ? end + 1 : end;
        }
        return out.toString();
    }

    // ---- statements ----

    private Token peek(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private List<Statement> statements() {
        List<Statement> statements = new ArrayList<>();
        String keyword = null;
        int keywordLine = 0;
        int keywordColumn = 0;
        List<Statement.Operand> operands = new ArrayList<>();
        while (peek(0).kind() != Kind.END) {
            Token token = peek(0);
            if (token.kind() == Kind.WORD && peek(1).kind() == Kind.OPEN) {
                Statement.Operand operand = operand();
                if (keyword == null) {
                    diagnostics.at(Msg.FTB0104E, operand.line(), operand.column(),
                            operand.name() + "(...) must follow a statement keyword such as RULE");
                } else {
                    operands.add(operand);
                }
            } else if (token.kind() == Kind.WORD) {
                if (keyword != null) {
                    statements.add(new Statement(keyword, keywordLine, keywordColumn, operands));
                }
                keyword = token.text().toUpperCase(Locale.ROOT);
                keywordLine = token.line();
                keywordColumn = token.column();
                operands = new ArrayList<>();
                next++;
            } else {
                if (token.kind() != Kind.UNCLOSED) {
                    unexpected(token, "outside an operand's parentheses");
                }
                next++;
            }
        }
        if (keyword != null) {
            statements.add(new Statement(keyword, keywordLine, keywordColumn, operands));
        }
        return statements;
    }

    private void unexpected(Token token, String where) {
        String what = switch (token.kind()) {
            case QUOTED -> "quoted value '" + token.text() + "' " + where + "; values go inside NAME(...)";
            case OPEN -> "'(' " + where + "; it must follow an operand name";
            default -> "'" + token.text() + "' " + where;
        };
        diagnostics.at(Msg.FTB0107E, token.line(), token.column(), what);
    }

    private Statement.Operand operand() {
        Token name = peek(0);
        String operandName = name.text().toUpperCase(Locale.ROOT);
        next += 2; // name and '('
        List<Statement.Value> values = new ArrayList<>();
        while (true) {
            Token token = peek(0);
            switch (token.kind()) {
                case CLOSE -> {
                    next++;
                    return new Statement.Operand(operandName, name.line(), name.column(), values);
                }
                case WORD -> {
                    if (peek(1).kind() == Kind.OPEN) {
                        // NAME( inside a list: the previous operand lost its ')'; end it here
                        diagnostics.at(Msg.FTB0105E, name.line(), name.column(), operandName);
                        return new Statement.Operand(operandName, name.line(), name.column(), values);
                    }
                    values.add(new Statement.Value(token.text(), false, token.line(), token.column()));
                    next++;
                }
                case QUOTED -> {
                    values.add(new Statement.Value(token.text(), true, token.line(), token.column()));
                    next++;
                }
                case UNCLOSED -> {
                    values.add(new Statement.Value(token.text(), true, token.line(), token.column()));
                    next++;
                    return new Statement.Operand(operandName, name.line(), name.column(), values);
                }
                case COMMA -> next++;
                case OPEN -> {
                    diagnostics.at(Msg.FTB0106E, token.line(), token.column(), operandName);
                    next++;
                }
                case END -> {
                    diagnostics.at(Msg.FTB0105E, name.line(), name.column(), operandName);
                    return new Statement.Operand(operandName, name.line(), name.column(), values);
                }
            }
        }
    }
}
