package io.kiln.dispatcher.storage;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The image formats an upload may have: those a worker decodes as an init image. */
public enum ImageFormat {
    PNG("image/png", "png", "PNG"),
    JPEG("image/jpeg", "jpg", "JPEG");

    private final String mediaType;
    private final String extension;
    private final String imageIoName;

    ImageFormat(String mediaType, String extension, String imageIoName) {
        this.mediaType = mediaType;
        this.extension = extension;
        this.imageIoName = imageIoName;
    }

    /** The format a {@code Content-Type} header declares, parameters ignored; empty for any other media type. */
    public static Optional<ImageFormat> ofContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(format -> format.mediaType.equals(mediaType))
                .findFirst();
    }

    /** The format ImageIO names {@code formatName} ({@code png}, {@code JPEG}, …); empty for the others. */
    static Optional<ImageFormat> ofImageIoName(String formatName) {
        return Arrays.stream(values())
                .filter(format -> format.imageIoName.equalsIgnoreCase(formatName))
                .findFirst();
    }

    /** {@code image/png} or {@code image/jpeg}. */
    public String mediaType() {
        return mediaType;
    }

    /** The object key's extension, without the dot. */
    String extension() {
        return extension;
    }

    /** {@code PNG} or {@code JPEG}, for messages. */
    @Override
    public String toString() {
        return imageIoName;
    }
}
