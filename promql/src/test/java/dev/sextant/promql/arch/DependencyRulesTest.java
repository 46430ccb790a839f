package dev.sextant.promql.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: promql sees only the storage contracts of tsdb, and keeps ANTLR inside its parser. */
class DependencyRulesTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sextant.promql");

    @Test
    void onlyTsdbContractsAreUsed() {
        noClasses().that().resideInAPackage("dev.sextant.promql..")
                .should().dependOnClassesThat(resideInAPackage("dev.sextant.tsdb..")
                        .and(not(resideInAnyPackage("dev.sextant.tsdb.model..", "dev.sextant.tsdb.storage..", "dev.sextant.tsdb.util.."))))
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.sextant.scrape..", "dev.sextant.api..")
                .check(classes);
    }

    @Test
    void antlrStaysInTheParser() {
        noClasses().that().resideOutsideOfPackage("dev.sextant.promql.parser..")
                .should().dependOnClassesThat().resideInAPackage("org.antlr..")
                .check(classes);
    }
}
