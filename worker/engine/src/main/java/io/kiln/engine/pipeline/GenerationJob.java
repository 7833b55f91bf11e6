package io.kiln.engine.pipeline;

import io.kiln.engine.image.GenerationParameters;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.sampling.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One job as the pipeline runs it: every default already resolved. Image k of the job uses seed {@code seed + k}, the
 * convention A1111 users know.
 *
 * @param guidanceScale the classifier-free guidance weight s in ε = ε_u + s·(ε_c − ε_u); s ≤ 1 means no guidance
 * @param initImage the img2img start image, already at width × height; empty for txt2img
 * @param strength how much of the schedule img2img runs, in (0, 1]; ignored for txt2img
 */
public record GenerationJob(
        String jobId,
        String prompt,
        String negativePrompt,
        int width,
        int height,
        int steps,
        double guidanceScale,
        Sampler sampler,
        double eta,
        long seed,
        int numImages,
        Optional<RgbImage> initImage,
        double strength) {

    public GenerationJob {
        List<String> bad = new ArrayList<>();
        if (width % 8 != 0 || height % 8 != 0 || width < 8 || height < 8) {
            bad.add("width and height must be positive multiples of 8, got " + width + "×" + height);
        }
        if (steps < 1) {
            bad.add("steps must be ≥ 1, got " + steps);
        }
        if (numImages < 1) {
            bad.add("num_images must be ≥ 1, got " + numImages);
        }
        if (initImage.isPresent()
                && (initImage.get().width() != width || initImage.get().height() != height)) {
            bad.add("the init image is " + initImage.get().width() + "×"
                    + initImage.get().height() + ", not the job's " + width + "×" + height);
        }
        if (initImage.isPresent() && !(strength > 0 && strength <= 1)) {
            bad.add("strength must lie in (0, 1], got " + strength);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("job " + jobId + ": " + String.join("; ", bad));
        }
    }

    /** A text-to-image job. */
    public static GenerationJob txt2img(
            String jobId,
            String prompt,
            String negativePrompt,
            int width,
            int height,
            int steps,
            double guidanceScale,
            Sampler sampler,
            double eta,
            long seed,
            int numImages) {
        return new GenerationJob(
                jobId,
                prompt,
                negativePrompt,
                width,
                height,
                steps,
                guidanceScale,
                sampler,
                eta,
                seed,
                numImages,
                Optional.empty(),
                1);
    }

    /** This job as image-to-image from {@code image}, running the last ⌊strength·steps⌋ steps. */
    public GenerationJob withInitImage(RgbImage image, double strength) {
        return new GenerationJob(
                jobId,
                prompt,
                negativePrompt,
                width,
                height,
                steps,
                guidanceScale,
                sampler,
                eta,
                seed,
                numImages,
                Optional.of(image),
                strength);
    }

    public boolean isImg2img() {
        return initImage.isPresent();
    }

    /**
     * What made the image of this job drawn from {@code seed}, its {@link GeneratedImage#seed()} (image k has seed
     * {@code seed() + k}), as its PNG carries it.
     */
    public GenerationParameters parameters(long seed, String modelName, String modelHash) {
        return new GenerationParameters(
                prompt,
                negativePrompt,
                steps,
                sampler.requestName(),
                guidanceScale,
                seed,
                width,
                height,
                modelName,
                modelHash,
                isImg2img() ? OptionalDouble.of(strength) : OptionalDouble.empty());
    }
}
