package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a job starts from: pure noise, or a noised init image. */
public enum Mode {
    /** Text to image: denoise from pure Gaussian noise. */
    TXT2IMG("txt2img"),
    /** Image to image: encode {@code init_image}, noise it to {@code strength}, and denoise from there. */
    IMG2IMG("img2img");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
