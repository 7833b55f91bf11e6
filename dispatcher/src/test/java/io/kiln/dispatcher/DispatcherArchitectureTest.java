package io.kiln.dispatcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher speaks only the contracts and S3 (docs/ARCHITECTURE.md, "Modules"), and its packages depend one way:
 * {@code config} at the bottom, then {@code kafka}, {@code status}, {@code storage}, {@code intake}, {@code metrics},
 * {@code http}, and the root ({@link Dispatcher}, {@link DispatcherMain}) on top.
 */
class DispatcherArchitectureTest {
    private static final JavaClasses DISPATCHER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kiln.dispatcher");

    @Test
    void theDispatcherUsesNeitherEngineNorWorkerNorTestLibraries() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kiln.engine..",
                        "io.kiln.jobs..",
                        "io.kiln.worker..",
                        "io.kiln.infra..",
                        "ai.djl..",
                        "org.junit..",
                        "org.testcontainers..",
                        "org.assertj..")
                .check(DISPATCHER);
    }

    @Test
    void dispatcherPackagesFormNoCycle() {
        slices().matching("io.kiln.dispatcher.(**)").should().beFreeOfCycles().check(DISPATCHER);
    }
}
