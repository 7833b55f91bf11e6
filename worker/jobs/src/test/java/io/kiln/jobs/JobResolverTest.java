package io.kiln.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Mode;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Violation;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Img2img;
import io.kiln.engine.pipeline.Prompt;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.sampling.SchedulerConfig;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobResolverTest {
    private static final ServedModel SD15 = new ServedModel("sd-v1-5", ImageSize.square(512), Sampler.PLMS);
    private static final JobResolver RESOLVER = new JobResolver(SD15);

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder().jobId("job-1").seed(42L).prompt("a red fox");
    }

    private static ResolvedJob resolved(GenerationRequest request) {
        return switch (RESOLVER.resolve(request)) {
            case Resolution.Resolved resolved -> resolved.job();
            case Resolution.Refused refused -> throw new AssertionError("refused: " + refused);
        };
    }

    private static Resolution.Refused refused(GenerationRequest request) {
        return (Resolution.Refused) RESOLVER.resolve(request);
    }

    @Test
    void aPromptAloneGetsTheContractsDefaultsAndTheModelsSizeAndSampler() {
        GenerationJob job = resolved(request().build()).txt2img();

        assertThat(job)
                .isEqualTo(GenerationJob.txt2img(
                        "job-1",
                        new Prompt("a red fox", "", GenerationRequest.DEFAULT_GUIDANCE_SCALE),
                        ImageSize.square(512),
                        new Sampling(Sampler.PLMS, GenerationRequest.DEFAULT_STEPS, 0),
                        42,
                        GenerationRequest.DEFAULT_NUM_IMAGES));
    }

    @Test
    void keepsWhatTheRequestSays() {
        GenerationRequest request = request()
                .negativePrompt("blurry")
                .width(768)
                .height(512)
                .numInferenceSteps(20)
                .guidanceScale(5)
                .sampler(io.kiln.contracts.Sampler.DDIM)
                .eta(0.5)
                .numImages(3)
                .build();

        GenerationJob job = resolved(request).txt2img();

        assertThat(job.prompt()).isEqualTo(new Prompt("a red fox", "blurry", 5));
        assertThat(job.size()).isEqualTo(new ImageSize(768, 512));
        assertThat(job.sampling()).isEqualTo(new Sampling(Sampler.DDIM, 20, 0.5));
        assertThat(job.numImages()).isEqualTo(3);
        assertThat(job.isImg2img()).isFalse();
    }

    /** Every sampler of the wire contract reaches the engine's sampler of the same name. */
    @ParameterizedTest
    @EnumSource(io.kiln.contracts.Sampler.class)
    void eachRequestedSamplerRunsAsTheEnginesOfTheSameName(io.kiln.contracts.Sampler requested) {
        Sampler runs = resolved(request().sampler(requested).build()).sampling().sampler();

        assertThat(runs).isSameAs(EngineSamplers.of(requested));
        assertThat(runs.requestName()).isEqualTo(requested.wireName());
    }

    @Test
    void theContractAndTheEngineKnowTheSameSamplers() {
        assertThat(io.kiln.contracts.Sampler.values())
                .extracting(EngineSamplers::of)
                .containsExactlyInAnyOrder(Sampler.values());
    }

    @Test
    void refusesEtaForASamplerWithoutOneNamingTheField() {
        Resolution.Refused refused = refused(
                request().sampler(io.kiln.contracts.Sampler.EULER).eta(0.5).build());

        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(refused.violation())
                .isEqualTo(new Violation("eta", "applies to the ddim sampler only, and this job uses euler"));
    }

    @Test
    void refusesEtaWhenTheModelsDefaultSamplerHasNone() {
        assertThat(refused(request().eta(0.3).build()).violation().rule()).endsWith("this job uses plms");
    }

    @Test
    void refusesAModelItDoesNotServe() {
        Resolution.Refused refused = refused(request().model("sd-xl").build());

        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
        assertThat(refused.violation())
                .isEqualTo(new Violation("model", "this cluster serves \"sd-v1-5\", not \"sd-xl\""));
        assertThat(RESOLVER.resolve(request().model("sd-v1-5").build())).isInstanceOf(Resolution.Resolved.class);
    }

    @Test
    void anImg2imgRequestStartsLaterInTheSchedule() {
        GenerationRequest img2img = request()
                .mode(Mode.IMG2IMG)
                .initImage(S3Uri.parse("s3://inputs/fox.png"))
                .strength(0.75)
                .sampler(io.kiln.contracts.Sampler.DDIM)
                .numInferenceSteps(20)
                .build();
        ResolvedJob resolved = resolved(img2img);
        SchedulerConfig schedule = SchedulerConfig.stableDiffusion();

        assertThat(resolved.img2imgStrength()).hasValue(0.75);
        // diffusers runs the last 15 of 20 DDIM steps at strength 0.75
        assertThat(resolved.compatibility(schedule).startStep()).isEqualTo(5);
        assertThat(resolved(request().build()).compatibility(schedule).startStep())
                .isZero();

        RgbImage start = RgbImage.of(new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB));
        GenerationJob job = resolved.img2img(new Img2img(start, 0.75));
        assertThat(job.img2img()).contains(new Img2img(start, 0.75));
        assertThat(job.size()).isEqualTo(ImageSize.square(512));
    }

    @Test
    void needsTheJobIdAndSeedAssigned() {
        GenerationRequest anonymous =
                GenerationRequest.builder().prompt("a fox").build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> RESOLVER.resolve(anonymous))
                .withMessageContaining("job id and seed");
    }
}
