package org.ftb.config;

import java.util.List;

/** A parsed statement: an upper-case keyword and its operands, with the place it starts. */
public record Statement(String keyword, int line, int column, List<Operand> operands) {

    public Statement {
        operands = List.copyOf(operands);
    }

    /** {@code NAME(value ...)}; the name is upper case. */
    public record Operand(String name, int line, int column, List<Value> values) {
        public Operand {
            values = List.copyOf(values);
        }
    }

    /**
     * One value inside an operand's parentheses, after symbol substitution. Quoted values keep their
     * case; unquoted ones are kept as written and compared without regard to case.
     */
    public record Value(String text, boolean quoted, int line, int column) {
    }
}
