package dev.sextant.promql.arch;

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
                .should().dependOnClassesThat().resideInAPackage("dev.sextant.tsdb..")
                .andShould().dependOnClassesThat().resideOutsideOfPackages(
                        "dev.sextant.tsdb.model..", "dev.sextant.tsdb.storage..", "dev.sextant.promql..",
                        "java..", "javax..", "org.antlr..", "com.google.re2j..", "org.slf4j..")
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.sextant.tsdb.memory..",
                        "dev.sextant.tsdb.head..", "dev.sextant.tsdb.wal..", "dev.sextant.tsdb.block..",
                        "dev.sextant.tsdb.index..", "dev.sextant.tsdb.chunk..", "dev.sextant.tsdb.mem..")
                .check(classes);
    }

    @Test
    void antlrStaysInTheParser() {
        noClasses().that().resideOutsideOfPackage("dev.sextant.promql.parser..")
                .should().dependOnClassesThat().resideInAPackage("org.antlr..")
                .check(classes);
    }
}
