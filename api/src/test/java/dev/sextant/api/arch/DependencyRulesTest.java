package dev.sextant.api.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: only the entry point knows the composition root; library types stay in their package. */
class DependencyRulesTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sextant");

    @Test
    void nothingButTheAppPackageUsesTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("dev.sextant.api.app..")
                .should().dependOnClassesThat().resideInAPackage("dev.sextant.api.app..")
                .check(classes);
    }

    /**
     * Netty lives in the API's HTTP package and, in the scrape module, in the one class that is the
     * plain-HTTP scrape transport (its interface is Netty-free).
     */
    @Test
    void nettyStaysInTheHttpPackageAndTheScrapeTransport() {
        noClasses().that().resideInAPackage("dev.sextant..")
                .and().resideOutsideOfPackages("dev.sextant.api.http..", "dev.sextant.api.app..")
                .and().haveNameNotMatching("dev\\.sextant\\.scrape\\.loop\\.NettyScrapeClient(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(classes);
    }

    @Test
    void lowerModulesNeverSeeTheApi() {
        noClasses().that().resideInAnyPackage("dev.sextant.tsdb..", "dev.sextant.promql..", "dev.sextant.scrape..")
                .should().dependOnClassesThat().resideInAPackage("dev.sextant.api..")
                .check(classes);
    }
}
