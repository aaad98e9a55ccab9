package org.ftb.message;

import org.ftb.config.ConfigBinder;
import org.ftb.console.ConsoleCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The user interface is documented: every message, statement, operand and command. */
class DocumentationTest {
    private static final Path DOCS = Path.of("docs");

    private static String read(String name) throws IOException {
        return Files.readString(DOCS.resolve(name));
    }

    @Test
    void everyMessageIsCataloguedAndEveryCataloguedMessageExists() throws IOException {
        String catalogue = read("messages.md");
        for (Msg msg : Msg.values()) {
            assertThat(catalogue).as("docs/messages.md row for %s", msg).contains("| " + msg.id() + " |");
        }
        Set<String> ids = Arrays.stream(Msg.values()).map(Msg::id).collect(Collectors.toSet());
        try (Stream<Path> docs = Files.list(DOCS)) {
            for (Path doc : docs.toList()) {
                Matcher m = Pattern.compile("FTB\\d{4}[IWEA]").matcher(Files.readString(doc));
                while (m.find()) {
                    assertThat(ids).as("%s mentions %s", doc, m.group()).contains(m.group());
                }
            }
        }
    }

    /** Issue 8: automation writers rely on the console table; it names exactly the messages each route carries. */
    @Test
    void theConsoleTableListsEveryMessageOfEachRoute() throws IOException {
        String catalogue = read("messages.md");
        for (ConsoleRoute route : ConsoleRoute.values()) {
            if (route == ConsoleRoute.RESPONSE) {
                continue;
            }
            Matcher row = Pattern.compile("(?m)^\\| " + route + " \\| ([^|]+) \\|").matcher(catalogue);
            assertThat(row.find()).as("row for %s", route).isTrue();
            Set<String> listed = new java.util.TreeSet<>();
            Matcher id = Pattern.compile("FTB\\d{4}[IWEA]").matcher(row.group(1));
            while (id.find()) {
                listed.add(id.group());
            }
            Set<String> routed = Arrays.stream(Msg.values()).filter(m -> ConsoleRoute.of(m).orElse(null) == route)
                    .filter(m -> !(route == ConsoleRoute.FAILURE && m.id().startsWith("FTB01") && !m.equals(Msg.FTB0128E)))
                    .map(Msg::id).collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(listed).as(route.toString()).isEqualTo(routed);
        }
    }

    @Test
    void everyStatementAndOperandIsDocumented() throws IOException {
        String configuration = read("configuration.md");
        ConfigBinder.SCHEMA.forEach((statement, operands) -> {
            assertThat(configuration).as("heading for %s", statement).containsPattern("(?m)^## " + statement + "\\b");
            for (String operand : operands) {
                assertThat(configuration).as("%s %s", statement, operand).contains("`" + operand + "(");
            }
        });
    }

    @Test
    void issue6TheProjectIsLicensedUnderTheApacheLicense2AndSaysSo() throws IOException {
        String license = Files.readString(Path.of("LICENSE"));
        assertThat(license).contains("Apache License", "Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "END OF TERMS AND CONDITIONS");
        assertThat(Files.readString(Path.of("pom.xml"))).containsPattern(
                "(?s)<licenses>\\s*<license>\\s*<name>Apache-2.0</name>\\s*<url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>");
        assertThat(Files.readString(Path.of("README.md"))).contains("[Apache License 2.0](LICENSE)");
    }

    @Test
    void everyOperatorCommandIsDocumented() throws IOException {
        String operations = read("operations.md");
        List<ConsoleCommand> commandSet = org.ftb.testing.CommandSet.standard();
        List<ConsoleCommand> commands = commandSet;
        assertThat(commands).isNotEmpty();
        for (ConsoleCommand command : commands) {
            String shortForm = command.abbreviation().equals(command.name()) ? " " : " `" + command.abbreviation() + "` ";
            assertThat(operations).contains("| `" + command.name() + "` |" + shortForm + "|");
        }
        assertThat(operations).as("the HELP response as operations.md shows it")
                .contains(String.join("\n", org.ftb.testing.CommandSet.dispatcher().dispatch("HELP", "test")));
        for (String cli : List.of("ftb broker", "ftb check", "ftb match", "ftb passwd", "ftb trust")) {
            assertThat(operations).contains(cli);
        }
    }
}
