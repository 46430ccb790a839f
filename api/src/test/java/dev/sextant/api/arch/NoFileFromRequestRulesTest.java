package dev.sextant.api.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * No endpoint opens a file named by a request. What can be checked statically:
 * <ol>
 *   <li>the packages that hold request handlers and response writers (v1, web, remote, json, metrics,
 *       and http outside its security part) use no file-system API at all;</li>
 *   <li>the classes that do read files for the HTTP layer (the web configuration, certificates) never
 *       see a request: their paths can only come from the command line;</li>
 *   <li>anywhere in the api module, no method or lambda both reads request input (parameters,
 *       path, headers, body) and calls a file-system API, so no handler written inline in the
 *       composition root (reload, quit, admin) turns a parameter into a path.</li>
 * </ol>
 * Storage itself (snapshots into the data directory) lives behind tsdb interfaces and takes no path
 * from the API.
 */
class NoFileFromRequestRulesTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sextant.api");

    static final DescribedPredicate<JavaClass> FILE_API = new DescribedPredicate<>("a file-system API") {
        @Override
        public boolean test(JavaClass c) {
            String n = c.getName();
            return n.startsWith("java.nio.file.") || n.equals("java.io.File") || n.equals("java.io.FileInputStream")
                    || n.equals("java.io.FileOutputStream") || n.equals("java.io.FileReader") || n.equals("java.io.FileWriter")
                    || n.equals("java.io.RandomAccessFile") || n.equals("java.nio.channels.FileChannel")
                    || n.equals("java.util.zip.ZipFile") || n.equals("java.util.jar.JarFile");
        }
    };

    static final DescribedPredicate<JavaClass> REQUEST_INPUT = new DescribedPredicate<>("request input") {
        @Override
        public boolean test(JavaClass c) {
            String n = c.getName();
            return n.equals("dev.sextant.api.http.ApiRequest") || n.startsWith("io.netty.handler.codec.http.HttpRequest")
                    || n.equals("io.netty.handler.codec.http.FullHttpRequest") || n.equals("io.netty.handler.codec.http.QueryStringDecoder")
                    || n.equals("io.netty.handler.codec.http.HttpContent");
        }
    };

    @Test
    void handlerPackagesUseNoFileSystemApi() {
        // dev.sextant.api.remote holds the receive handlers; its sub-package send is the remote-write
        // sender, which reads the WAL and the files its configuration names and never sees a request
        // (the rule below, on methods that read request input, still covers it).
        noClasses().that().resideInAnyPackage("dev.sextant.api.v1..", "dev.sextant.api.web..", "dev.sextant.api.remote",
                        "dev.sextant.api.json..", "dev.sextant.api.metrics..")
                .or().resideInAPackage("dev.sextant.api.http")
                .should().dependOnClassesThat(FILE_API)
                .check(classes);
    }

    @Test
    void classesThatReadFilesForTheHttpLayerNeverSeeARequest() {
        DescribedPredicate<JavaClass> touchesFiles = new DescribedPredicate<>("touch the file system") {
            @Override
            public boolean test(JavaClass c) {
                return c.getDirectDependenciesFromSelf().stream().anyMatch(d -> FILE_API.test(d.getTargetClass()));
            }
        };
        noClasses().that().resideInAPackage("dev.sextant.api.http..").and(touchesFiles)
                .should().dependOnClassesThat(REQUEST_INPUT)
                .check(classes);
    }

    @Test
    void noMethodOrLambdaTurnsRequestInputIntoAFileAccess() {
        ArchCondition<JavaCodeUnit> notBoth = new ArchCondition<>("not both read request input and access the file system") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                boolean readsRequest = false;
                boolean touchesFiles = false;
                for (JavaAccess<?> a : unit.getAccessesFromSelf()) {
                    JavaClass owner = a.getTargetOwner();
                    readsRequest |= REQUEST_INPUT.test(owner);
                    touchesFiles |= FILE_API.test(owner);
                }
                if (readsRequest && touchesFiles) {
                    events.add(SimpleConditionEvent.violated(unit, unit.getFullName()
                            + " reads request input and accesses the file system"));
                }
            }
        };
        codeUnits().that().areDeclaredInClassesThat().resideInAPackage("dev.sextant.api..").should(notBoth).check(classes);
    }

    @Test
    void theRulesSeeWhatTheyGuard() {
        // Guards against a rule passing vacuously: the request type and the file-reading classes are imported.
        assertThat(classes.contain("dev.sextant.api.http.ApiRequest")).isTrue();
        assertThat(classes.get("dev.sextant.api.http.security.WebConfigSource").getDirectDependenciesFromSelf())
                .anyMatch(d -> FILE_API.test(d.getTargetClass()));
        assertThat(classes.get("dev.sextant.api.app.SextantServer").getCodeUnits())
                .anyMatch(u -> u.getAccessesFromSelf().stream().anyMatch(a -> FILE_API.test(a.getTargetOwner())));
    }
}
