package org.ftb.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ftb.config.ConfigFixtures.config;
import static org.ftb.config.ConfigFixtures.messages;

class StatementParserTest {

    private static List<Statement> parse(String text) {
        Diagnostics diagnostics = new Diagnostics();
        List<Statement> statements = StatementParser.parse(ConfigSource.ofText("t", text, ConfigSource.RecordFormat.STREAM),
                Symbols.none(), diagnostics);
        assertThat(diagnostics.all()).isEmpty();
        return statements;
    }

    @Test
    void statementsSpanLinesAndEndAtTheNextKeyword() {
        List<Statement> statements = parse("""
                rule name(a)
                     dest(10.0.0.0/8,
                          *.example.com  host.example.com)
                     action(direct) RULE NAME(B) ACTION(DENY)
                """);
        assertThat(statements).hasSize(2);
        Statement first = statements.get(0);
        assertThat(first.keyword()).isEqualTo("RULE");
        assertThat(first.line()).isEqualTo(1);
        assertThat(first.operands()).extracting(Statement.Operand::name).containsExactly("NAME", "DEST", "ACTION");
        assertThat(first.operands().get(1).values()).extracting(Statement.Value::text)
                .containsExactly("10.0.0.0/8", "*.example.com", "host.example.com");
        Statement.Value star = first.operands().get(1).values().get(1);
        assertThat(star.line()).isEqualTo(3);
        assertThat(star.column()).isEqualTo(11);
        assertThat(statements.get(1).column()).isEqualTo(21);
    }

    @Test
    void commentsNestSpanLinesAndMayStandAnywhere() {
        List<Statement> statements = parse("""
                /* outer /* inner */ still
                   a comment */ LOG /* between */ LEVEL( /* in */ DEBUG)
                """);
        assertThat(statements).singleElement().satisfies(s -> {
            assertThat(s.keyword()).isEqualTo("LOG");
            assertThat(s.operands().get(0).values()).extracting(Statement.Value::text).containsExactly("DEBUG");
        });
    }

    @Test
    void quotedValuesKeepCaseBlanksCommentsAndDoubledQuotes() {
        Statement.Value value = parse("LOG FILE('/var/Log/it''s /* not a comment */ here')").get(0)
                .operands().get(0).values().get(0);
        assertThat(value.quoted()).isTrue();
        assertThat(value.text()).isEqualTo("/var/Log/it's /* not a comment */ here");
    }

    @Test
    void fixedRecordsIgnoreColumns72To80() {
        String line = String.format("%-71s%-9s", "RULE NAME(SEQ) DEST(*) ACTION(DIRECT)", "X0000100");
        String second = String.format("%-71s%-9s", "LOG LEVEL(WARN)", "00000200");
        BrokerConfig config = ConfigFixtures.load(line + "\n" + second + "\n", ConfigSource.RecordFormat.FB80, Map.of(),
                Path.of(".")).config().orElseThrow();
        assertThat(config.rules()).singleElement().satisfies(r -> assertThat(r.name()).isEqualTo("SEQ"));
        assertThat(config.log().level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void streamFilesKeepEveryColumn() {
        String line = String.format("%-71s%s", "RULE NAME(SEQ) ACTION(DIRECT)", "DEST(*)");
        assertThat(config(line).rules().get(0).destinations()).hasSize(1);
    }

    @Test
    void symbolsAreSubstitutedWithAndWithoutTheEndingDot() {
        ConfigLoader.Result result = ConfigFixtures.load("""
                RULE NAME(R&SYSNAME.) DEST(&HOST..example.com) ACTION(DIRECT)
                LOG FILE('/logs/&SYSNAME/ftb.log')
                """, ConfigSource.RecordFormat.STREAM, Map.of("host", "ftp1"), Path.of("/"));
        BrokerConfig config = result.config().orElseThrow();
        assertThat(config.rules().get(0).name()).isEqualTo("RTESTSYS");
        assertThat(config.rules().get(0).destinations().get(0).text()).isEqualTo("ftp1.example.com");
        assertThat(config.log().file()).contains(Path.of("/logs/TESTSYS/ftb.log"));
    }

    @Test
    void issue6AnUnclosedQuoteIsReportedOnItsLineOnlyAndTheNextLinesParse() {
        assertThat(messages("LOG FILE('/tmp/x\nRULE NAME(A) DEST(10.0.0.1) ACTION(DENY)\nRULE NAME(B) ACTION(DIRECT)\n"))
                .containsExactly("FTB0102E line 1 column 10: quoted value is not closed on its line");
        assertThat(messages("LOG 'stray\nRULE NAME(A) ACTION(DENY)\n"))
                .containsExactly("FTB0102E line 1 column 5: quoted value is not closed on its line");
        Diagnostics diagnostics = new Diagnostics();
        List<Statement> statements = StatementParser.parse(ConfigSource.ofText("t",
                "RULE NAME(A) DEST('x.example.com, y) ACTION(DENY)\n     PORTS(21)\nRULE NAME(B) ACTION(DENY)\n",
                ConfigSource.RecordFormat.STREAM), Symbols.none(), diagnostics);
        assertThat(diagnostics.all()).extracting(Diagnostic::text)
                .containsExactly("FTB0102E line 1 column 19: quoted value is not closed on its line");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).operands()).extracting(Statement.Operand::name).containsExactly("NAME", "DEST", "PORTS");
        assertThat(statements.get(1).operands()).extracting(Statement.Operand::name).containsExactly("NAME", "ACTION");
    }

    @Test
    void everyLexicalErrorIsReportedWithLineAndColumn() {
        assertThat(messages("LOG LEVEL(INFO)\n  /* never closed\n")).contains(
                "FTB0101E line 2 column 3: comment is not closed; it starts here");
        assertThat(messages("LOG FILE('/tmp/x)\n")).contains(
                "FTB0102E line 1 column 10: quoted value is not closed on its line");
        assertThat(messages("LOG LEVEL(INFO)\u0001\n")).contains(
                "FTB0103E line 1 column 16: unexpected character X'01'");
        assertThat(messages("LEVEL(INFO) LOG\n")).contains(
                "FTB0104E line 1 column 1: LEVEL(...) must follow a statement keyword such as RULE");
        assertThat(messages("LOG LEVEL(INFO\n")).contains(
                "FTB0105E line 1 column 5: LEVEL( has no closing parenthesis");
        assertThat(messages("RULE NAME(A) DEST(* PORTS(21) ACTION(DENY)\n")).contains(
                "FTB0105E line 1 column 14: DEST( has no closing parenthesis");
        assertThat(messages("RULE NAME(A) DEST((*)) ACTION(DENY)\n")).contains(
                "FTB0106E line 1 column 19: '(' is not allowed inside DEST(...); lists are separated by commas or blanks");
        assertThat(messages("RULE NAME(A) ) ACTION(DENY)\n")).contains(
                "FTB0107E line 1 column 14: unexpected ')' outside an operand's parentheses");
        assertThat(messages("RULE 'x' NAME(A) ACTION(DENY)\n")).contains(
                "FTB0107E line 1 column 6: unexpected quoted value 'x' outside an operand's parentheses; values go inside NAME(...)");
        assertThat(messages("RULE NAME(A) ( ACTION(DENY)\n")).contains(
                "FTB0107E line 1 column 14: unexpected '(' outside an operand's parentheses; it must follow an operand name");
        assertThat(messages("RULE NAME(A&NOSUCH.) ACTION(DENY)\n")).contains(
                "FTB0108W line 1 column 12: symbol &NOSUCH. is not defined and is left as written");
    }
}
