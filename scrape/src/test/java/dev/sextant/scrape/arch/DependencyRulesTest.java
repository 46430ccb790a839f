package dev.sextant.scrape.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: scrape sees only the storage contracts of tsdb, and nothing of promql or api. */
class DependencyRulesTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sextant.scrape");

    @Test
    void onlyTsdbContractsAreUsed() {
        noClasses().that().resideInAPackage("dev.sextant.scrape..")
                .should().dependOnClassesThat(resideInAPackage("dev.sextant.tsdb..")
                        .and(not(resideInAnyPackage("dev.sextant.tsdb.model..", "dev.sextant.tsdb.storage..", "dev.sextant.tsdb.util.."))))
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.sextant.promql..", "dev.sextant.api..")
                // No scrape classes exist yet (issue #6); the rule guards them as they land.
                .allowEmptyShould(true)
                .check(classes);
    }
}
