package io.kiln.dispatcher.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Tells whether uploaded bytes are an image a worker can start an img2img job from: a whole PNG or JPEG of the
 * declared format, of at most {@value #MAX_PIXELS} pixels. It decodes the image as the worker's {@code ImageDecoder}
 * does, so that what is accepted here is not refused there as {@code init_image_unreadable}.
 *
 * <p>The size is read from the header before any pixel is decoded: a few hundred bytes of PNG can declare an image
 * whose pixels would not fit in the heap (a decompression bomb).
 */
public final class ImageCheck {
    /** The most pixels accepted, 4096²: the worker's limit for an init image. */
    public static final long MAX_PIXELS = 4096L * 4096;

    private ImageCheck() {}

    /**
     * The size of the image in {@code bytes}.
     *
     * @throws UnusableImageException if the bytes are empty, not a PNG or JPEG, of another format than {@code
     *     declared}, larger than {@value #MAX_PIXELS} pixels, or damaged or truncated
     */
    public static CheckedImage check(byte[] bytes, ImageFormat declared) throws UnusableImageException {
        if (bytes.length == 0) {
            throw new UnusableImageException("the body is empty; send the " + declared + " image's bytes");
        }
        // a memory cache: ImageIO's default for a stream is a temporary file per image
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UnusableImageException("the body is not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                return read(reader, input, declared);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UnusableImageException("the image cannot be read: " + describe(e), e);
        }
    }

    private static CheckedImage read(ImageReader reader, ImageInputStream input, ImageFormat declared)
            throws IOException, UnusableImageException {
        String found = reader.getFormatName();
        ImageFormat format = ImageFormat.ofImageIoName(found)
                .orElseThrow(() -> new UnusableImageException(
                        "the body is a " + found + " image; only PNG and JPEG are accepted"));
        if (format != declared) {
            throw new UnusableImageException("the body is a " + format + " image, but its Content-Type says "
                    + declared.mediaType() + "; send it as " + format.mediaType());
        }
        reader.setInput(input, true, true);
        // ImageIO's JPEG reader returns a truncated file's missing part as grey and only warns: refuse it instead
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if ((long) width * height > MAX_PIXELS) {
                throw new UnusableImageException("the " + format + " image is " + width + "x" + height
                        + ", more than the " + MAX_PIXELS + " pixels accepted");
            }
            reader.read(0);
            if (!warnings.isEmpty()) {
                throw new UnusableImageException(
                        "the " + format + " image is damaged or truncated: " + String.join("; ", warnings));
            }
            return new CheckedImage(width, height);
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers also throw unchecked exceptions on malformed input; the input is still at fault
            throw new UnusableImageException("the " + format + " image is damaged or truncated: " + describe(e), e);
        }
    }

    /** A decoder's complaint with its causes, since ImageIO wraps the telling one ("Unexpected end of ZLIB …"). */
    private static String describe(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.add(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return String.join(": ", messages);
    }
}
