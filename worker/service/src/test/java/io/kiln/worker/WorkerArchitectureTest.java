package io.kiln.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.kiln.contracts.S3Uri;
import io.kiln.worker.output.ImageStore;
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

    /**
     * A class that needs more collaborators than this groups them into records, so that it reads as what it does
     * (issue 19, defect 12: PollLoop took 13, BatchEngine 10). Records themselves (settings, messages) are their
     * fields.
     */
    @Test
    void noClassTakesMoreThanSevenConstructorArguments() {
        constructors()
                .that()
                .areDeclaredInClassesThat()
                .areNotRecords()
                .should(new ArchCondition<JavaConstructor>("take at most 7 arguments") {
                    @Override
                    public void check(JavaConstructor constructor, ConditionEvents events) {
                        int arguments = constructor.getRawParameterTypes().size();
                        if (arguments > 7) {
                            events.add(SimpleConditionEvent.violated(
                                    constructor, constructor.getFullName() + " takes " + arguments));
                        }
                    }
                })
                .check(WORKER);
    }

    /**
     * The engine thread computes; reading init images from S3 happens ahead, off it, while the jobs wait for their
     * batch (issue 19, defect 12).
     */
    @Test
    void theEngineReadsNoInitImageFromS3() {
        noClasses()
                .that()
                .haveSimpleName("BatchEngine")
                .should()
                .callMethod(ImageStore.class, "read", S3Uri.class)
                .check(WORKER);
    }

    @Test
    void workerPackagesFormNoCycle() {
        slices().matching("io.kiln.worker.(**)").should().beFreeOfCycles().check(WORKER);
    }
}
