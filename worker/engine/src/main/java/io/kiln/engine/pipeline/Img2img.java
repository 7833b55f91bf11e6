package io.kiln.engine.pipeline;

import io.kiln.engine.image.RgbImage;
import java.util.Objects;

/**
 * Where an image-to-image job starts: its image, encoded and noised to the step that leaves {@code strength} of the
 * schedule to run (diffusers' {@code StableDiffusionImg2ImgPipeline}).
 *
 * @param initImage the start image, already at the job's size
 * @param strength the share of the schedule run, in (0, 1]; 1 ignores the image's content but keeps its size
 */
public record Img2img(RgbImage initImage, double strength) {
    public Img2img {
        Objects.requireNonNull(initImage, "initImage");
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must lie in (0, 1], got " + strength);
        }
    }

    /** The start image's size, which is the job's. */
    public ImageSize size() {
        return new ImageSize(initImage.width(), initImage.height());
    }
}
