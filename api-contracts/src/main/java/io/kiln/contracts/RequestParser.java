package io.kiln.contracts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/**
 * Turns a JSON document into a {@link GenerationRequest}, or into every {@link Violation} it contains.
 *
 * <p>Each field is read on its own, so a field of the wrong type does not hide problems in the others: type errors
 * and rule violations come back together, each naming its field. Fields this version does not know are ignored, so
 * clients may already send fields of newer contract versions. Malformed JSON, including a repeated key, is reported
 * with its line and column. The document must be a JSON object.
 */
public final class RequestParser {
    private RequestParser() {}

    /** Parses a UTF-8 JSON document. */
    public static ParseResult parse(byte[] json) {
        JsonNode root;
        try {
            root = JsonCodec.mapper().readTree(json);
        } catch (JacksonException e) {
            return new ParseResult.Invalid(List.of(malformed(e)));
        }
        if (!root.isObject()) {
            return new ParseResult.Invalid(List.of(new Violation(Violation.DOCUMENT, "must be a JSON object")));
        }
        return bind(root);
    }

    /** Parses a JSON document given as text. */
    public static ParseResult parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ParseResult bind(JsonNode root) {
        FieldReader fields = new FieldReader(root);
        GenerationRequest.Builder builder = GenerationRequest.builder();
        fields.integer("schema_version").ifPresent(builder::schemaVersion);
        fields.string("job_id").ifPresent(builder::jobId);
        fields.string("model").ifPresent(builder::model);
        fields.oneOf("mode", Mode.values(), Mode::wireName).ifPresent(builder::mode);
        fields.string("prompt").ifPresent(builder::prompt);
        fields.string("negative_prompt").ifPresent(builder::negativePrompt);
        fields.integer("width").ifPresent(builder::width);
        fields.integer("height").ifPresent(builder::height);
        fields.integer("num_inference_steps").ifPresent(builder::numInferenceSteps);
        fields.number("guidance_scale").ifPresent(builder::guidanceScale);
        fields.oneOf("sampler", Sampler.values(), Sampler::wireName).ifPresent(builder::sampler);
        fields.number("eta").ifPresent(builder::eta);
        fields.longInteger("seed").ifPresent(builder::seed);
        fields.integer("num_images").ifPresent(builder::numImages);
        fields.number("strength").ifPresent(builder::strength);
        fields.s3Uri("init_image").ifPresent(builder::initImage);
        fields.integer("priority").ifPresent(builder::priority);
        fields.instant("deadline").ifPresent(builder::deadline);
        fields.stringMap("metadata").ifPresent(builder::metadata);

        List<Violation> violations = new ArrayList<>(fields.violations());
        try {
            GenerationRequest request = builder.build();
            return violations.isEmpty() ? new ParseResult.Valid(request) : new ParseResult.Invalid(violations);
        } catch (InvalidRequestException e) {
            // A field of the wrong type was left at its default; a rule about it (say, "prompt: is required") would
            // only repeat the type error.
            Set<String> mistyped = violations.stream().map(Violation::field).collect(Collectors.toSet());
            e.violations().stream()
                    .filter(violation -> !mistyped.contains(violation.field()))
                    .forEach(violations::add);
            return new ParseResult.Invalid(violations);
        }
    }

    private static Violation malformed(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        String where =
                location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return new Violation(Violation.DOCUMENT, "malformed JSON" + where + ": " + e.getOriginalMessage());
    }
}
