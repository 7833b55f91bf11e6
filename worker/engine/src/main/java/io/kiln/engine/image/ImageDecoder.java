package io.kiln.engine.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Decodes PNG and JPEG bytes with ImageIO, refusing anything else with an {@link UnreadableImageException}. */
final class ImageDecoder {
    private static final Set<String> ACCEPTED_FORMATS = Set.of("PNG", "JPEG");

    /**
     * The largest image decoded, 4096² pixels (64 MiB as ImageIO's ARGB): a few bytes of PNG can declare an image that
     * would exhaust the worker's heap, and no SD 1.x job is near this size.
     */
    static final long MAX_PIXELS = 4096L * 4096;

    private ImageDecoder() {}

    /** The pixels of a PNG or JPEG image, alpha and palette dropped. */
    static RgbImage decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new UnreadableImageException("the image is empty (0 bytes)");
        }
        // a memory cache: ImageIO's default for streams is a temporary file per image
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UnreadableImageException("not a PNG or JPEG image: " + bytes.length + " bytes starting "
                        + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length)));
            }
            ImageReader reader = readers.next();
            try {
                return read(reader, input);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UnreadableImageException("the image could not be read: " + describe(e), e);
        }
    }

    private static RgbImage read(ImageReader reader, ImageInputStream input) {
        String format;
        try {
            format = reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            throw new UnreadableImageException("the image's format is unreadable: " + describe(e), e);
        }
        if (!ACCEPTED_FORMATS.contains(format)) {
            throw new UnreadableImageException("a " + format + " image: only PNG and JPEG are accepted");
        }
        reader.setInput(input, true, true);
        // ImageIO's JPEG reader returns a truncated file's missing part as grey and only warns: refuse it instead
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if ((long) width * height > MAX_PIXELS) {
                throw new UnreadableImageException("the " + format + " image is " + width + "x" + height
                        + ", more than the " + MAX_PIXELS + " pixels accepted");
            }
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new UnreadableImageException(
                        "the " + format + " image is damaged or truncated: " + String.join("; ", warnings));
            }
            return RgbImage.of(image);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers also throw unchecked exceptions on malformed input; the input is still at fault
            throw new UnreadableImageException("the " + format + " image is damaged or truncated: " + describe(e), e);
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
