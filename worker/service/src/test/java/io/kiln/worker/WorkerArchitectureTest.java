package io.kiln.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The worker around the engine (docs/ARCHITECTURE.md, "Modules"): it ships without benchmarks, the command line or
 * test libraries, and its packages depend on each other in one direction only, {@code runtime} at the top.
 */
class WorkerArchitectureTest {
    private static final JavaClasses WORKER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kiln.worker");

    @Test
    void theWorkerShipsWithoutBenchmarksOrTestLibraries() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kiln.bench..",
                        "io.kiln.cli..",
                        "io.kiln.infra..",
                        "org.junit..",
                        "org.testcontainers..",
                        "org.assertj..")
                .check(WORKER);
    }

    @Test
    void workerPackagesFormNoCycle() {
        slices().matching("io.kiln.worker.(**)").should().beFreeOfCycles().check(WORKER);
    }
}
