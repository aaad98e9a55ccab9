package org.ftb.platform.zos;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the JZOS stubs declare exactly the members docs/jzos-api.md lists, each with its IBM source;
 * the methods the broker calls by name are in no stub; and the simulated JZOS the tests run against
 * declares every stub member with the same descriptor, so what the tests exercise is what links on z/OS.
 */
class JzosStubsTest {
    private static final Path STUB_SOURCES = Path.of("zos-stubs/src/main/java/com/ibm/jzos");
    private static final Path DOC = Path.of("docs/jzos-api.md");

    /** The stubs as compiled, apart from the simulation that shadows them on the test class path. */
    private static List<Class<?>> stubs() throws IOException, ClassNotFoundException {
        URLClassLoader loader = new URLClassLoader(new URL[]{Path.of("target/classes").toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(STUB_SOURCES)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().replace(".java", "");
                Class<?> stub = loader.loadClass("com.ibm.jzos." + name);
                assertThat(stub.getClassLoader()).as(name + " comes from the stubs").isSameAs(loader);
                classes.add(stub);
            }
        }
        return classes;
    }

    /** Each usable member as the doc writes it: "Class | declaration". */
    private static Set<String> declared(Class<?> type) {
        Set<String> members = new TreeSet<>();
        members.add(type.getSimpleName() + " | " + declaration(type));
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (Modifier.isPublic(c.getModifiers())) {
                members.add(type.getSimpleName() + " | public " + type.getSimpleName() + parameters(c));
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                members.add(type.getSimpleName() + " | public " + (Modifier.isStatic(m.getModifiers()) ? "static " : "")
                        + m.getReturnType().getSimpleName() + " " + m.getName() + parameters(m));
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers())) {
                members.add(type.getSimpleName() + " | public field " + f.getName());
            }
        }
        return members;
    }

    private static String declaration(Class<?> type) {
        String interfaces = Arrays.stream(type.getInterfaces()).map(Class::getSimpleName).collect(Collectors.joining(", "));
        if (type.isInterface()) {
            return "public interface " + type.getSimpleName();
        }
        return "public " + (Modifier.isFinal(type.getModifiers()) ? "final " : "") + "class " + type.getSimpleName()
                + (type.getSuperclass() == Object.class ? "" : " extends " + type.getSuperclass().getSimpleName())
                + (interfaces.isEmpty() ? "" : " implements " + interfaces);
    }

    private static String parameters(Executable e) {
        return Arrays.stream(e.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    /** The rows of the doc's table under {@code heading}, split into cells without backquotes. */
    private static List<List<String>> table(String heading) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("## " + heading);
        assertThat(start).as("section " + heading).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("| ") && !line.startsWith("|---") && !line.startsWith("| Class") && !line.startsWith("| Field")) {
                rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(c -> c.strip().replace("`", "")).toList());
            }
        }
        return rows;
    }

    @Test
    void theStubsDeclareExactlyTheDocumentedMembersEachWithItsIbmSource() throws Exception {
        Set<String> inStubs = new TreeSet<>();
        for (Class<?> stub : stubs()) {
            inStubs.addAll(declared(stub));
        }
        List<List<String>> rows = table("Linked through the stubs");
        Set<String> documented = rows.stream().map(r -> r.get(0) + " | " + r.get(1)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(inStubs).isEqualTo(documented);
        assertThat(rows).allSatisfy(r -> assertThat(r.get(2)).as(r.get(1)).containsAnyOf("IBM", "Semeru", "same"));
    }

    @Test
    void theMethodsCalledByNameAreInNoStubAndTheSimulationHasThem() throws Exception {
        List<Class<?>> stubs = stubs();
        for (List<String> row : table("Called by name")) {
            String name = row.get(1).substring(0, row.get(1).indexOf('('));
            Class<?> stub = stubs.stream().filter(c -> c.getSimpleName().equals(row.get(0))).findFirst().orElseThrow();
            assertThat(Arrays.stream(stub.getDeclaredMethods()).map(Method::getName)).as(row.get(1)).doesNotContain(name);
            Class<?> simulated = Class.forName("com.ibm.jzos." + row.get(0));
            assertThat(Arrays.stream(simulated.getMethods()).filter(m -> m.getName().equals(name))
                    .map(m -> name + parameters(m))).as("the simulation calls it so").contains(row.get(1).replace(" ", "").replace(",", ", "));
        }
    }

    @Test
    void theSimulationDeclaresEveryStubMemberWithTheSameDescriptor() throws Exception {
        for (Class<?> stub : stubs()) {
            Class<?> simulated = Class.forName(stub.getName());
            assertThat(simulated.getClassLoader()).as("the test class path puts the simulation first").isNotSameAs(stub.getClassLoader());
            assertThat(simulated.isInterface()).isEqualTo(stub.isInterface());
            assertThat(Modifier.isFinal(simulated.getModifiers())).as(stub.getName()).isEqualTo(Modifier.isFinal(stub.getModifiers()));
            for (Method m : stub.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                Method twin = simulated.getMethod(m.getName(), names(m.getParameterTypes()));
                assertThat(twin.getReturnType().getName()).as(m.toString()).isEqualTo(m.getReturnType().getName());
                assertThat(Modifier.isStatic(twin.getModifiers())).as(m.toString()).isEqualTo(Modifier.isStatic(m.getModifiers()));
            }
            for (Constructor<?> c : stub.getConstructors()) {
                assertThat(simulated.getConstructor(names(c.getParameterTypes()))).as(c.toString()).isNotNull();
            }
        }
    }

    /** The same types as the test class path sees them (JDK types are shared; JZOS ones are the simulation's). */
    private static Class<?>[] names(Class<?>[] types) throws ClassNotFoundException {
        Class<?>[] mapped = new Class<?>[types.length];
        for (int i = 0; i < types.length; i++) {
            mapped[i] = types[i].isPrimitive() || types[i].isArray() ? types[i] : Class.forName(types[i].getName());
        }
        return mapped;
    }
}
