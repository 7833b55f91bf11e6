package io.kiln.engine.pipeline;

import io.kiln.engine.image.GenerationParameters;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One job as the pipeline runs it: every default already resolved. Image k of the job uses seed {@code seed + k}, the
 * convention A1111 users know. Build it with {@link #txt2img} or {@link #img2img}.
 *
 * @param img2img where an image-to-image job starts; empty for text-to-image
 */
public record GenerationJob(
        String jobId,
        Prompt prompt,
        ImageSize size,
        Sampling sampling,
        long seed,
        int numImages,
        Optional<Img2img> img2img) {

    public GenerationJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(img2img, "img2img");
        if (numImages < 1) {
            throw new IllegalArgumentException("job " + jobId + ": num_images must be ≥ 1, got " + numImages);
        }
        if (img2img.isPresent() && !img2img.get().size().equals(size)) {
            throw new IllegalArgumentException(
                    "job " + jobId + ": the init image is " + img2img.get().size() + ", not the job's " + size);
        }
    }

    /** A text-to-image job: denoising starts from pure noise. */
    public static GenerationJob txt2img(
            String jobId, Prompt prompt, ImageSize size, Sampling sampling, long seed, int numImages) {
        return new GenerationJob(jobId, prompt, size, sampling, seed, numImages, Optional.empty());
    }

    /** An image-to-image job at its start image's size, running the last ⌊strength·steps⌋ steps. */
    public static GenerationJob img2img(
            String jobId, Prompt prompt, Img2img start, Sampling sampling, long seed, int numImages) {
        return new GenerationJob(jobId, prompt, start.size(), sampling, seed, numImages, Optional.of(start));
    }

    public boolean isImg2img() {
        return img2img.isPresent();
    }

    /**
     * What made the image of this job drawn from {@code imageSeed}, its {@link GeneratedImage#seed()} (image k has
     * seed {@code seed() + k}), as its PNG carries it.
     */
    public GenerationParameters parameters(long imageSeed, String modelName, String modelHash) {
        return new GenerationParameters(
                prompt.text(),
                prompt.negative(),
                sampling.steps(),
                sampling.sampler(),
                prompt.guidanceScale(),
                imageSeed,
                size.width(),
                size.height(),
                modelName,
                modelHash,
                img2img.map(start -> OptionalDouble.of(start.strength())).orElse(OptionalDouble.empty()));
    }
}
