package dev.sextant.tsdb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sextant.tsdb");

    @Test
    void onlyTheMemPackageUsesChronicleBytes() {
        noClasses().that().resideOutsideOfPackage("dev.sextant.tsdb.mem..")
                .should().dependOnClassesThat().resideInAPackage("net.openhft..")
                .check(MAIN);
    }

    @Test
    void contractPackagesDependOnNoEngineInternals() {
        noClasses().that().resideInAnyPackage("dev.sextant.tsdb.model..", "dev.sextant.tsdb.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sextant.tsdb.chunk..", "dev.sextant.tsdb.head..",
                        "dev.sextant.tsdb.wal..", "dev.sextant.tsdb.block..", "dev.sextant.tsdb.index..",
                        "dev.sextant.tsdb.mem..", "dev.sextant.tsdb.query..", "dev.sextant.tsdb.compact..")
                .check(MAIN);
    }
}
