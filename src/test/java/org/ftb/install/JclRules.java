package org.ftb.install;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules every member of {@code jcl/} keeps, checked the way the converter and JES would read
 * the member after a text transfer into an FB80 data set (z/OS MVS JCL Reference: "Continuing JCL
 * statements", "Coding symbols in apostrophes", PROC statement, SYMBOLS parameter). Each problem names
 * the member, the line and the rule, so that a failing test says what to fix.
 *
 * <p>House rules on top of JCL's own: nothing beyond column 71 at all (ISPF NUMBER ON writes 73-80, and
 * BPXBATCH, TSO and FTP read in-stream columns 72-80 as data); no continued comments and no parameter
 * continued inside apostrophes; only characters that are the same in IBM-037 and IBM-1047, so that a
 * member means the same whichever of the two the transfer produced.
 */
final class JclRules {
    /** Symbols JES itself sets; a job may use them without defining them. */
    private static final Set<String> JES_SYMBOLS = Set.of("SYSUID");
    /** A stand-in value for {@link #JES_SYMBOLS} when a data set name is checked. */
    private static final String JES_VALUE = "USERID";
    private static final Pattern NAME = Pattern.compile("[A-Z@#$][A-Z0-9@#$]{0,7}");
    private static final Pattern QUALIFIER = Pattern.compile("[A-Z@#$][A-Z0-9@#$-]{0,7}");
    private static final Pattern SYMBOL = Pattern.compile("&([A-Za-z@#$][A-Za-z0-9@#$]{0,7})(\\.?)");
    private static final Set<String> OPERATIONS = Set.of("JOB", "EXEC", "DD", "PROC", "PEND", "SET", "EXPORT", "OUTPUT",
            "JCLLIB", "INCLUDE", "IF", "THEN", "ELSE", "ENDIF", "CNTL", "ENDCNTL", "XMIT", "COMMAND");

    private JclRules() {
    }

    /**
     * Characters every member may hold: printable ASCII, which a transfer maps one to one, less the
     * three that IBM-037 and IBM-1047 place differently ({@code [ ] ^}).
     */
    static List<String> checkCharacters(String member, List<String> lines, int maxColumns) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = member + " line " + (i + 1) + ": ";
            if (line.length() > maxColumns) {
                problems.add(where + "is " + line.length() + " columns, more than " + maxColumns);
            }
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if (ch == '\t') {
                    problems.add(where + "holds a tab in column " + (c + 1));
                } else if (ch < 0x20 || ch > 0x7E) {
                    problems.add(where + String.format(Locale.ROOT, "holds U+%04X in column %d, not printable ASCII", (int) ch, c + 1));
                } else if (ch == '[' || ch == ']' || ch == '^') {
                    problems.add(where + "holds '" + ch + "' in column " + (c + 1) + ", which IBM-037 and IBM-1047 encode differently");
                }
            }
        }
        return problems;
    }

    /** Every rule for a member that is JCL (a job or a procedure). */
    static List<String> check(String member, List<String> lines) {
        return new Checker(member, lines).run();
    }

    /** The statements of a member after continuation, in order: name, operation and operand field. */
    static List<Statement> statements(List<String> lines) {
        Checker checker = new Checker("", lines);
        checker.run();
        return checker.statements;
    }

    record Statement(int line, String name, String operation, String operands) {
        /** The operand field split at the commas outside apostrophes and parentheses. */
        List<String> parameters() {
            return splitTopLevel(operands);
        }

        /** The value of keyword parameter {@code key}, or null. */
        String keyword(String key) {
            for (String p : parameters()) {
                if (p.startsWith(key + "=")) {
                    return p.substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    private static final class Checker {
        private final String member;
        private final List<String> lines;
        private final List<String> problems = new ArrayList<>();
        private final List<Statement> statements = new ArrayList<>();
        /** PROC statement symbols and their defaults, in order. */
        private final Map<String, String> procSymbols = new LinkedHashMap<>();
        /** SET symbols as set so far. */
        private final Map<String, String> setSymbols = new HashMap<>();
        private final Set<String> exported = new HashSet<>();
        private final Set<String> referenced = new HashSet<>();
        private boolean exportAll;

        Checker(String member, List<String> lines) {
            this.member = member;
            this.lines = lines;
        }

        private void problem(int line, String text) {
            problems.add(member + " line " + line + ": " + text);
        }

        List<String> run() {
            problems.addAll(checkCharacters(member, lines, 80));
            int i = 0;
            while (i < lines.size()) {
                String line = lines.get(i);
                int lineNo = i + 1;
                if (line.startsWith("//*")) {
                    checkColumns(lineNo, line, false);
                    i++;
                } else if (line.startsWith("//")) {
                    i = statement(i);
                } else if (line.startsWith("/*")) {
                    problem(lineNo, "delimiter /* outside in-stream data");
                    i++;
                } else {
                    problem(lineNo, "neither a JCL statement (//), a comment (//*) nor in-stream data");
                    i++;
                }
            }
            for (String symbol : procSymbols.keySet()) {
                if (!referenced.contains(symbol)) {
                    problem(1, "PROC symbol &" + symbol + " is never used (IEFC657I)");
                }
            }
            return problems;
        }

        /** Text in columns 1-71 only; column 72 only where a continuation mark is allowed. */
        private void checkColumns(int lineNo, String line, boolean continuationMarkAllowed) {
            if (line.length() > 71 && !line.substring(71).isBlank()) {
                if (line.length() > 72 && !line.substring(72).isBlank()) {
                    problem(lineNo, "text beyond column 72; statements end in column 71");
                } else if (!continuationMarkAllowed) {
                    problem(lineNo, "column 72 holds '" + line.charAt(71) + "' where no continuation is allowed");
                }
            }
        }

        /** Reads one statement with its continuations starting at index {@code first}; returns the next index. */
        private int statement(int first) {
            int lineNo = first + 1;
            String line = lines.get(first);
            String text = columns(line);
            String name = "";
            int pos;
            if (text.length() > 2 && text.charAt(2) != ' ') {
                int end = text.indexOf(' ', 2);
                name = end < 0 ? text.substring(2) : text.substring(2, end);
                for (String part : name.split("\\.", -1)) {
                    if (!NAME.matcher(part).matches()) {
                        problem(lineNo, "name " + name + " is not 1 to 8 letters, digits or national characters starting with a letter or national");
                    }
                }
                pos = end < 0 ? text.length() : end;
            } else {
                pos = 2;
            }
            pos = skipBlanks(text, pos);
            if (pos >= text.length()) {
                checkColumns(lineNo, line, false);
                statements.add(new Statement(lineNo, name, "", ""));
                return first + 1;
            }
            int opEnd = text.indexOf(' ', pos);
            String operation = opEnd < 0 ? text.substring(pos) : text.substring(pos, opEnd);
            if (!OPERATIONS.contains(operation)) {
                problem(lineNo, "unknown operation " + operation);
            }
            Field field = operand(text, opEnd < 0 ? text.length() : skipBlanks(text, opEnd), lineNo);
            StringBuilder operands = new StringBuilder(field.text);
            boolean continued = field.text.endsWith(",");
            checkColumns(lineNo, line, !continued && first + 1 < lines.size() && lines.get(first + 1).startsWith("// "));
            checkUpperCase(lineNo, name + " " + operation + " " + field.text);
            int next = first + 1;
            while (continued) {
                if (next >= lines.size()) {
                    problem(lineNo, "the statement ends with a comma but no continuation follows");
                    break;
                }
                String cont = lines.get(next);
                int contNo = next + 1;
                if (!cont.startsWith("// ")) {
                    problem(contNo, "continuation expected: // and a blank in column 3");
                    break;
                }
                String contText = columns(cont);
                int start = skipBlanks(contText, 2);
                if (start < 3 || start > 15) {
                    problem(contNo, "continued text starts in column " + (start + 1) + "; it must start in columns 4 to 16");
                }
                Field more = operand(contText, start, contNo);
                operands.append(more.text);
                continued = more.text.endsWith(",");
                checkColumns(contNo, cont, false);
                checkUpperCase(contNo, more.text);
                next++;
            }
            Statement statement = new Statement(lineNo, name, operation, operands.toString());
            statements.add(statement);
            return process(statement, next);
        }

        private record Field(String text) {
        }

        /** The operand field from {@code start}: up to the first blank outside apostrophes. */
        private Field operand(String text, int start, int lineNo) {
            boolean quoted = false;
            int i = start;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\'') {
                    quoted = !quoted;
                } else if (c == ' ' && !quoted) {
                    break;
                }
                i++;
            }
            if (quoted) {
                problem(lineNo, "apostrophes are not closed on the line (continuing inside apostrophes is not used here)");
            }
            return new Field(text.substring(Math.min(start, text.length()), i));
        }

        private void checkUpperCase(int lineNo, String fields) {
            boolean quoted = false;
            for (char c : fields.toCharArray()) {
                if (c == '\'') {
                    quoted = !quoted;
                } else if (!quoted && Character.isLowerCase(c)) {
                    problem(lineNo, "lower case outside apostrophes: " + fields.trim());
                    return;
                }
            }
        }

        /** Acts on a complete statement; returns the index of the next line to read. */
        private int process(Statement st, int next) {
            useSymbols(st);
            switch (st.operation()) {
                case "PROC" -> {
                    for (String p : st.parameters()) {
                        int eq = p.indexOf('=');
                        if (eq > 0) {
                            procSymbols.put(p.substring(0, eq), unquote(p.substring(eq + 1)));
                        }
                    }
                }
                case "SET" -> {
                    for (String p : st.parameters()) {
                        int eq = p.indexOf('=');
                        if (eq > 0) {
                            setSymbols.put(p.substring(0, eq), unquote(p.substring(eq + 1)));
                        }
                    }
                }
                case "EXPORT" -> {
                    String list = st.keyword("SYMLIST");
                    if ("*".equals(list)) {
                        exportAll = true;
                    } else if (list != null) {
                        for (String s : list.replaceAll("[()]", "").split(",")) {
                            exported.add(s);
                        }
                    }
                }
                case "DD" -> {
                    checkDataSetName(st);
                    List<String> params = st.parameters();
                    String first = params.isEmpty() ? "" : params.get(0);
                    if (first.equals("*") || first.equals("DATA")) {
                        return inStream(st, next, first.equals("DATA"));
                    }
                }
                default -> {
                }
            }
            return next;
        }

        /** Every symbol the statement uses must be defined by then; the symbols are recorded as used. */
        private void useSymbols(Statement st) {
            if (st.operation().equals("PROC") || st.operation().equals("SET")) {
                return;
            }
            for (String symbol : symbolsIn(st.operands())) {
                referenced.add(symbol);
                if (!procSymbols.containsKey(symbol) && !setSymbols.containsKey(symbol) && !JES_SYMBOLS.contains(symbol)) {
                    problem(st.line(), "symbol &" + symbol + " is not defined on the PROC statement or by SET");
                }
            }
        }

        /** The in-stream data after a DD * or DD DATA; returns the index of the first line after it. */
        private int inStream(Statement dd, int next, boolean data) {
            String dlm = dd.keyword("DLM");
            String delimiter = dlm == null ? "/*" : unquote(dlm);
            boolean symbols = dd.keyword("SYMBOLS") != null;
            int i = next;
            while (i < lines.size()) {
                String line = lines.get(i);
                if (line.startsWith(delimiter)) {
                    return i + 1;
                }
                if (!data && dlm == null && line.startsWith("//")) {
                    return i;
                }
                if (line.length() > 71 && !line.substring(71).isBlank()) {
                    problem(i + 1, "in-stream data beyond column 71");
                }
                if (symbols) {
                    for (String symbol : symbolsIn(line)) {
                        if (!setSymbols.containsKey(symbol) && !JES_SYMBOLS.contains(symbol)) {
                            problem(i + 1, "in-stream symbol &" + symbol + " is not defined by SET");
                        } else if (!exportAll && !exported.contains(symbol) && !JES_SYMBOLS.contains(symbol)) {
                            problem(i + 1, "in-stream symbol &" + symbol + " is not exported (EXPORT SYMLIST)");
                        }
                    }
                }
                i++;
            }
            if (data || dlm != null) {
                problem(dd.line(), "in-stream data is not ended by " + delimiter);
            }
            return i;
        }

        /** A data set name whose literal qualifiers, symbols resolved with their defaults, are valid. */
        private void checkDataSetName(Statement dd) {
            String dsn = dd.keyword("DSN");
            if (dsn == null) {
                dsn = dd.keyword("DSNAME");
            }
            if (dsn == null || dsn.startsWith("&&") || dsn.startsWith("*.")) {
                return;
            }
            String resolved = resolve(unquote(dsn), dd.line());
            if (resolved == null) {
                return;
            }
            String member = null;
            int open = resolved.indexOf('(');
            if (open >= 0) {
                if (!resolved.endsWith(")")) {
                    problem(dd.line(), "data set name " + resolved + " has an unclosed member");
                    return;
                }
                member = resolved.substring(open + 1, resolved.length() - 1);
                resolved = resolved.substring(0, open);
            }
            if (resolved.length() > 44) {
                problem(dd.line(), "data set name " + resolved + " is longer than 44 characters");
            }
            for (String qualifier : resolved.split("\\.", -1)) {
                if (!QUALIFIER.matcher(qualifier).matches()) {
                    problem(dd.line(), "data set name " + resolved + ": qualifier '" + qualifier + "' is not 1 to 8 valid characters");
                }
            }
            if (member != null && !member.matches("[+-]?\\d+") && !NAME.matcher(member).matches()) {
                problem(dd.line(), "member name " + member + " is not 1 to 8 valid characters");
            }
        }

        /** {@code text} with every symbol replaced by its default or SET value; null when one is unknown. */
        private String resolve(String text, int lineNo) {
            Matcher m = SYMBOL.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = setSymbols.containsKey(name) ? setSymbols.get(name)
                        : procSymbols.containsKey(name) ? procSymbols.get(name)
                        : JES_SYMBOLS.contains(name) ? JES_VALUE : null;
                if (value == null) {
                    return null;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    /** The symbols {@code text} refers to; {@code &&} is not a symbol. */
    static Set<String> symbolsIn(String text) {
        Set<String> found = new HashSet<>();
        Matcher m = SYMBOL.matcher(text);
        while (m.find()) {
            int at = m.start();
            boolean doubled = at > 0 && text.charAt(at - 1) == '&';
            if (!doubled) {
                found.add(m.group(1).toUpperCase(Locale.ROOT));
            }
        }
        return found;
    }

    private static String columns(String line) {
        return line.length() > 71 ? line.substring(0, 71) : line;
    }

    private static int skipBlanks(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("''", "'");
        }
        return value;
    }

    static List<String> splitTopLevel(String operands) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < operands.length(); i++) {
            char c = operands.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                parts.add(operands.substring(start, i));
                start = i + 1;
            }
        }
        if (start < operands.length()) {
            parts.add(operands.substring(start));
        }
        return parts;
    }
}
