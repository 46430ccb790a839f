package dev.sextant.promql.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the program in docs/embedding.md exactly as written, and checks what it prints. */
class EmbeddingExampleTest {
    private static final Path DOC = Path.of("").toAbsolutePath().resolve("../docs/embedding.md").normalize();

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleCompilesAndPrintsWhatTheDocSays() throws Exception {
        String doc = Files.readString(DOC);
        Matcher code = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(code.find()).as("a java block in %s", DOC).isTrue();
        Path src = dir.resolve("EmbeddedSextant.java");
        Files.writeString(src, code.group(1));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, null, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Matcher expected = Pattern.compile("Running it prints:\n\n((?:    .*\n)+)").matcher(doc);
        assertThat(expected.find()).isTrue();
        List<String> expectedLines = expected.group(1).lines().map(String::strip).toList();

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                EmbeddingExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            loader.loadClass("EmbeddedSextant").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {dir.resolve("data").toString()});
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(expectedLines);
        assertThat(dir.resolve("data/wal")).isDirectory();
    }
}
