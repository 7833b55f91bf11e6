package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GenerationRequestTest {

    @Test
    void appliesDocumentedDefaultsToAPromptOnlyRequest() {
        GenerationRequest request = GenerationRequest.builder().prompt("a fox").build();

        assertThat(request.schemaVersion()).isEqualTo(1);
        assertThat(request.jobId()).isNull();
        assertThat(request.model()).isNull();
        assertThat(request.mode()).isEqualTo(Mode.TXT2IMG);
        assertThat(request.negativePrompt()).isEmpty();
        assertThat(request.width()).isNull();
        assertThat(request.height()).isNull();
        assertThat(request.numInferenceSteps()).isEqualTo(50);
        assertThat(request.guidanceScale()).isEqualTo(7.5);
        assertThat(request.sampler()).isNull();
        assertThat(request.eta()).isZero();
        assertThat(request.seed()).isNull();
        assertThat(request.numImages()).isEqualTo(1);
        assertThat(request.strength()).isNull();
        assertThat(request.initImage()).isNull();
        assertThat(request.priority()).isZero();
        assertThat(request.deadline()).isNull();
        assertThat(request.metadata()).isEmpty();
    }

    @Test
    void givesImg2imgRequestsTheDefaultStrength() {
        GenerationRequest request = GenerationRequest.builder()
                .prompt("a fox")
                .mode(Mode.IMG2IMG)
                .initImage(S3Uri.parse("s3://kiln-inputs/fox.png"))
                .build();

        assertThat(request.strength()).isEqualTo(0.8);
    }

    @Test
    void rejectsAnImg2imgStrengthThatLeavesNoStepToRun() {
        GenerationRequest.Builder oneStep = GenerationRequest.builder()
                .prompt("a fox")
                .mode(Mode.IMG2IMG)
                .initImage(S3Uri.parse("s3://kiln-inputs/fox.png"))
                .numInferenceSteps(1)
                .strength(0.5);

        assertThatThrownBy(oneStep::build)
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.violations())
                        .extracting(Violation::toString)
                        .containsExactly("strength: runs no denoising step at 1 step; needs steps × strength ≥ 1"));
        assertThat(oneStep.numInferenceSteps(2).build().strength()).isEqualTo(0.5);
        assertThat(oneStep.numInferenceSteps(10).strength(0.1).build().strength())
                .as("10 × 0.1 is exactly one step")
                .isEqualTo(0.1);
        assertThatThrownBy(oneStep.numInferenceSteps(3).strength(0.33)::build)
                .hasMessageContaining("strength: runs no denoising step at 3 steps");
    }

    @Test
    void countsTheStepsAnImg2imgStrengthDenoisesAsDiffusersDoes() {
        assertThat(GenerationRequest.denoisingSteps(50, 0.8)).isEqualTo(40);
        assertThat(GenerationRequest.denoisingSteps(1, 0.5)).isZero();
        assertThat(GenerationRequest.denoisingSteps(1, 1.0)).isEqualTo(1);
        assertThat(GenerationRequest.denoisingSteps(200, Double.MIN_VALUE)).isZero();
    }

    @Test
    void reportsEveryBrokenRuleAtOnce() {
        GenerationRequest.Builder builder = GenerationRequest.builder()
                .prompt(" ")
                .width(500)
                .numInferenceSteps(0)
                .guidanceScale(31)
                .strength(0.5);

        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.violations())
                        .extracting(Violation::toString)
                        .containsExactly(
                                "prompt: must not be blank",
                                "width: must be a multiple of 8 between 64 and 2048",
                                "num_inference_steps: must be between 1 and 200",
                                "guidance_scale: must be between 0 and 30",
                                "strength: is only allowed when mode is img2img"))
                .hasMessageContaining("prompt: must not be blank; width: must be");
    }

    @Test
    void assignsATimeOrderedJobIdAndASeedBelow2To32WhenAbsent() {
        GenerationRequest request = GenerationRequest.builder().prompt("a fox").build();

        GenerationRequest assigned = request.withAssignedIdentity(() -> 4_294_967_295L);

        assertThat(UUID.fromString(assigned.jobId()).version()).isEqualTo(7);
        assertThat(assigned.seed()).isEqualTo(4_294_967_295L);
        assertThat(assigned.toBuilder().jobId(null).seed(null).build()).isEqualTo(request);
    }

    @Test
    void keepsTheClientsJobIdAndSeed() {
        GenerationRequest request = GenerationRequest.builder()
                .prompt("a fox")
                .jobId("mine")
                .seed(7L)
                .build();

        GenerationRequest assigned = request.withAssignedIdentity(() -> {
            throw new AssertionError("no seed should be drawn");
        });

        assertThat(assigned).isEqualTo(request);
    }

    @Test
    void drawsSecureRandomSeedsFromZeroTo2To32() {
        SeedSource seeds = SeedSource.secureRandom();

        assertThat(LongStream.generate(seeds::nextSeed).limit(10_000))
                .allSatisfy(seed -> assertThat(seed).isBetween(0L, SeedSource.ASSIGNED_SEED_BOUND - 1))
                .anySatisfy(seed -> assertThat(seed).isGreaterThan(Integer.MAX_VALUE));
    }

    @Test
    void copiesMetadataSoLaterChangesToTheCallersMapDoNotLeakIn() {
        Map<String, String> metadata = new HashMap<>(Map.of("owner", "ana"));
        GenerationRequest request =
                GenerationRequest.builder().prompt("a fox").metadata(metadata).build();

        metadata.put("owner", "bob");

        assertThat(request.metadata()).containsExactly(Map.entry("owner", "ana"));
        assertThatThrownBy(() -> request.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void tellsAWellFormedJobId() {
        assertThat(GenerationRequest.isJobId("job-42:retry_1.b")).isTrue();
        assertThat(GenerationRequest.isJobId("a".repeat(128))).isTrue();
        assertThat(GenerationRequest.isJobId("")).isFalse();
        assertThat(GenerationRequest.isJobId("a".repeat(129))).isFalse();
        assertThat(GenerationRequest.isJobId("job/42")).isFalse();
        assertThat(GenerationRequest.isJobId("job 42")).isFalse();
    }
}
