package io.kiln.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * What the engine may use (docs/ARCHITECTURE.md, "Modules"): the JDK, DJL, Jackson, SLF4J and the PNG encoder, so
 * that any JVM can embed it; and its packages depend on each other in one direction only. The enforcer's banned
 * dependencies keep such artifacts out of the pom; this keeps their imports out of the code.
 */
class EngineArchitectureTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kiln.engine");

    @Test
    void theEngineUsesOnlyTheJdkDjlJacksonSlf4jAndThePngEncoder() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "javax..",
                        "ai.djl..",
                        "tools.jackson..",
                        "com.fasterxml.jackson.annotation..",
                        "org.slf4j..",
                        "com.pngencoder..",
                        "io.kiln.engine..")
                .check(ENGINE);
    }

    @Test
    void theEngineKnowsNothingOfTheServiceAroundIt() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.kiln.worker..",
                        "io.kiln.contracts..",
                        "io.kiln.bench..",
                        "io.kiln.cli..",
                        "io.kiln.infra..")
                .check(ENGINE);
    }

    /** Packages depend one way: each, sub-packages apart ({@code model} and {@code model.clip} are two), on none above it. */
    @Test
    void enginePackagesFormNoCycle() {
        slices().matching("io.kiln.engine.(**)").should().beFreeOfCycles().check(ENGINE);
    }
}
