package io.kiln.engine.image;

import io.kiln.engine.sampling.Sampler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What made one image, as written into its PNG for the tools users already have: AUTOMATIC1111's "PNG Info", civitai
 * and ComfyUI's loaders all read A1111's text (see {@link #infotext()}).
 *
 * @param guidanceScale the classifier-free guidance weight, A1111's "CFG scale"
 * @param seed the seed that reproduces this image alone
 * @param modelHash A1111's short model hash, see {@link ModelHash}
 * @param strength the img2img denoising strength; empty for txt2img
 */
public record GenerationParameters(
        String prompt,
        String negativePrompt,
        int steps,
        Sampler sampler,
        double guidanceScale,
        long seed,
        int width,
        int height,
        String modelName,
        String modelHash,
        OptionalDouble strength) {

    private static final Pattern SHORT_HASH = Pattern.compile("[0-9a-f]{10}");

    public GenerationParameters {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelHash, "modelHash");
        Objects.requireNonNull(strength, "strength");
        List<String> bad = new ArrayList<>();
        if (steps < 1) {
            bad.add("steps must be ≥ 1, got " + steps);
        }
        if (!Double.isFinite(guidanceScale)) {
            bad.add("guidance scale must be finite, got " + guidanceScale);
        }
        if (width < 1 || height < 1) {
            bad.add("width and height must be positive, got " + width + "×" + height);
        }
        if (modelName.isBlank()) {
            bad.add("model name must not be blank");
        }
        if (!SHORT_HASH.matcher(modelHash).matches()) {
            bad.add("model hash must be 10 lowercase hex digits, got \"" + modelHash + "\"");
        }
        if (strength.isPresent() && !(strength.getAsDouble() > 0 && strength.getAsDouble() <= 1)) {
            bad.add("strength must lie in (0, 1], got " + strength.getAsDouble());
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }

    /**
     * A1111's "infotext" ({@code create_infotext} in {@code modules/processing.py}): the prompt, then
     * {@code Negative prompt: …} when there is one, then one line of {@code key: value} pairs joined by {@code ", "}
     * in A1111's order, for example
     *
     * <pre>
     * a red fox in snow
     * Negative prompt: blurry
     * Steps: 30, Sampler: DDIM, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 1a2b3c4d5e, Model: sd-v1-5
     * </pre>
     *
     * followed by {@code , Denoising strength: 0.75} for img2img.
     */
    public String infotext() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Steps", Integer.toString(steps));
        fields.put("Sampler", displayName(sampler));
        fields.put("CFG scale", number(guidanceScale));
        fields.put("Seed", Long.toString(seed));
        fields.put("Size", width + "x" + height);
        fields.put("Model hash", modelHash);
        fields.put("Model", modelName);
        strength.ifPresent(value -> fields.put("Denoising strength", number(value)));
        String line = fields.entrySet().stream()
                .map(field -> field.getKey() + ": " + quote(field.getValue()))
                .collect(Collectors.joining(", "));
        String negativeLine = negativePrompt.isEmpty() ? "" : "\nNegative prompt: " + negativePrompt;
        // A1111 strips the whole text, so a prompt's leading or trailing blanks do not survive there either
        return (prompt + negativeLine + "\n" + line).strip();
    }

    /** The names A1111 shows, which its readers map back to a sampler. */
    private static String displayName(Sampler sampler) {
        return switch (sampler) {
            case DDIM -> "DDIM";
            case PLMS -> "PLMS";
            case DDPM -> "DDPM";
            case EULER -> "Euler";
            case EULER_ANCESTRAL -> "Euler a";
            case DPMPP_2M -> "DPM++ 2M";
        };
    }

    /**
     * A number as A1111's UI writes it: the shortest digits that round-trip, without an exponent, and a whole number
     * without ".0" (Gradio hands whole numbers to Python as {@code int}, so A1111 writes {@code CFG scale: 7}).
     */
    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * A1111's {@code quote} ({@code modules/infotext_utils.py}): a value holding a comma, colon or newline is written
     * as a JSON string, since readers split the line on {@code ", "} and {@code ": "}. Like Python's
     * {@code json.dumps(value, ensure_ascii=False)}, only quotes, backslashes and control characters are escaped.
     */
    private static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf(':') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
