package org.ftb.install;

import org.ftb.console.ConsoleCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: docs/zos-install.md walks through every member of {@code jcl/} and {@code samples/}, the
 * step numbers the members cite exist, and the console commands it and operations.md give are the
 * broker's commands.
 */
class InstallDocTest {
    private static final Path GUIDE = Path.of("docs/zos-install.md");
    private static final Pattern HEADING = Pattern.compile("(?m)^## (\\d+)\\. (.*)$");

    private static String guide() throws IOException {
        return Files.readString(GUIDE);
    }

    /** The guide's numbered steps: number to heading text. */
    private static Map<Integer, String> steps() throws IOException {
        Map<Integer, String> steps = new TreeMap<>();
        Matcher m = HEADING.matcher(guide());
        while (m.find()) {
            steps.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return steps;
    }

    @Test
    void theGuideNamesEveryFileInJclAndSamples() throws IOException {
        String guide = guide();
        for (Path dir : List.of(Path.of("jcl"), Path.of("samples"))) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    String member = name.endsWith(".jcl") ? name.substring(0, name.length() - 4) : name;
                    assertThat(guide).as("docs/zos-install.md names " + file).contains(dir + "/" + name);
                    assertThat(guide).as("docs/zos-install.md names member " + member).containsPattern("\\b" + Pattern.quote(member) + "\\b");
                }
            }
        }
    }

    @Test
    void everyMemberHasAStepWhoseHeadingNamesIt() throws IOException {
        Set<String> members = new HashSet<>(JclMembersTest.members().keySet());
        members.addAll(ZosSamplesTest.members());
        String headings = String.join("\n", steps().values());
        for (String member : members) {
            assertThat(headings).as("a step heading names " + member).containsPattern("\\b" + member + "\\b");
        }
        assertThat(steps().keySet()).as("steps numbered 1, 2, 3, ...").containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, steps().size()).boxed().toList());
    }

    @Test
    void everyStepAMemberCitesExists() throws IOException {
        Map<Integer, String> steps = steps();
        Pattern cite = Pattern.compile("(?i)zos-install\\.md, step (\\d+)");
        Map<String, List<String>> all = new TreeMap<>(JclMembersTest.members());
        for (String sample : ZosSamplesTest.members()) {
            all.put(sample, ZosSamplesTest.lines(sample));
        }
        int cited = 0;
        for (Map.Entry<String, List<String>> member : all.entrySet()) {
            Matcher m = cite.matcher(String.join("\n", member.getValue()));
            while (m.find()) {
                cited++;
                assertThat(steps).as(member.getKey() + " cites step " + m.group(1)).containsKey(Integer.parseInt(m.group(1)));
            }
        }
        assertThat(cited).isPositive();
        assertThat(String.join("\n", JclMembersTest.members().get("FTBRACF"))).contains("zos-install.md, STEP 4");
        assertThat(steps.get(4)).contains("FTBRACF");
        assertThat(String.join("\n", JclMembersTest.members().get("FTBINST"))).contains("zos-install.md, STEP 5");
        assertThat(steps.get(5)).contains("FTBINST");
    }

    @Test
    void theConsoleCommandsInTheDocsAreTheBrokersCommands() throws IOException {
        List<ConsoleCommand> commandSet = org.ftb.testing.CommandSet.standard();
        Set<String> words = new HashSet<>();
        for (ConsoleCommand command : commandSet) {
            words.add(command.name().toUpperCase(Locale.ROOT));
            words.add(command.abbreviation().toUpperCase(Locale.ROOT));
        }
        String operations = Files.readString(Path.of("docs/operations.md"));
        for (String doc : List.of(guide(), operations, String.join("\n", JclMembersTest.members().get("FTBPROC")))) {
            for (ConsoleCommand command : commandSet) {
                String name = command.name().toUpperCase(Locale.ROOT);
                if (!name.equals("STOP")) {
                    assertThat(doc).contains("F FTB,APPL=" + name);
                }
            }
            assertThat(doc).contains("P FTB", "F FTB,APPL=STOP");
            Matcher appl = Pattern.compile("APPL=([A-Z]+)").matcher(doc);
            while (appl.find()) {
                assertThat(words).as("APPL=" + appl.group(1) + " is a broker command").contains(appl.group(1));
            }
        }
    }
}
