package io.kiln.engine.image;

import java.util.Optional;

/**
 * An img2img start image at the job's size.
 *
 * @param note what was done to the submitted image to fit the job, for the job's result; empty when nothing was
 */
public record InitImage(RgbImage image, Optional<String> note) {

    /**
     * Decodes PNG or JPEG {@code bytes} and, when the image is not {@code width × height}, resizes it to that with
     * Lanczos-3 as diffusers does (stretching it if its aspect ratio differs).
     *
     * @throws UnreadableImageException when the bytes are not a usable PNG or JPEG image
     */
    public static InitImage prepare(byte[] bytes, int width, int height) {
        RgbImage decoded = ImageDecoder.decode(bytes);
        if (decoded.width() == width && decoded.height() == height) {
            return new InitImage(decoded, Optional.empty());
        }
        return new InitImage(
                LanczosResampler.resize(decoded, width, height),
                Optional.of("init image resized from " + decoded.width() + "x" + decoded.height() + " to " + width + "x"
                        + height));
    }
}
