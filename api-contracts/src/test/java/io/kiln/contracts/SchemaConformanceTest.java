package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas and the Java contracts accept and reject the same documents. */
class SchemaConformanceTest {
    private static final ContractSchemaValidator REQUEST_SCHEMA =
            new ContractSchemaValidator(ContractSchema.GENERATION_REQUEST);
    private static final ContractSchemaValidator EVENT_SCHEMA = new ContractSchemaValidator(ContractSchema.JOB_EVENT);

    private static final String FOX = "\uD83E\uDD8A";

    @ParameterizedTest
    @EnumSource(ContractSchema.class)
    void schemasAreValidDraft202012(ContractSchema schema) {
        assertThat(ContractSchemaValidator.metaSchemaErrors(schema)).isEmpty();
    }

    @Test
    void writtenRequestsConformToTheSchema() {
        GenerationRequest minimal = GenerationRequest.builder().prompt("a fox").build();
        GenerationRequest assigned = minimal.withAssignedIdentity(SeedSource.secureRandom());

        assertThat(REQUEST_SCHEMA.errors(written(minimal))).isEmpty();
        assertThat(REQUEST_SCHEMA.errors(written(assigned))).isEmpty();
        assertThat(REQUEST_SCHEMA.errors(written(Fixtures.fullRequest()))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.kiln.contracts.JobEventEnvelopeTest#everyKindOfEvent")
    void writtenEventsConformToTheSchema(JobEvent data) {
        String json = new String(JsonCodec.write(Fixtures.envelope(data)), StandardCharsets.UTF_8);

        assertThat(EVENT_SCHEMA.errors(json)).isEmpty();
    }

    static Stream<Arguments> goodRequests() {
        return Stream.of(
                row("prompt only", "{'prompt': 'a fox'}"),
                Arguments.of("every field", Fixtures.FULL_REQUEST_JSON),
                row(
                        "img2img with only an init image",
                        "{'prompt': 'a fox', 'mode': 'img2img', 'init_image': 's3://kiln-in/a b/c.png'}"),
                row("explicit txt2img", "{'prompt': 'a fox', 'mode': 'txt2img'}"),
                row("unknown fields", "{'prompt': 'a fox', 'lora': {'name': 'foxes'}, 'x-trace': [1, 2]}"),
                row(
                        "nulls for optional fields",
                        "{'prompt': 'a fox', 'job_id': null, 'model': null, 'mode': null, 'width': null, 'sampler': null, 'seed': null, 'strength': null, 'init_image': null, 'deadline': null, 'metadata': null, 'schema_version': null}"),
                row("integer written as 512.0", "{'prompt': 'a fox', 'width': 512.0}"),
                row("4000 emoji", "{'prompt': '" + FOX.repeat(4000) + "'}"),
                row(
                        "smallest values",
                        "{'prompt': 'a', 'width': 64, 'height': 64, 'num_inference_steps': 1, 'guidance_scale': 0, 'eta': 0, 'seed': 0, 'num_images': 1, 'priority': -2147483648}"),
                row(
                        "largest values",
                        "{'prompt': 'a', 'width': 2048, 'height': 2048, 'num_inference_steps': 200, 'guidance_scale': 30, 'eta': 1, 'seed': 9223372036854775807, 'num_images': 8, 'priority': 2147483647}"),
                row(
                        "strength 1",
                        "{'prompt': 'a fox', 'mode': 'img2img', 'init_image': 's3://kiln-in/fox.png', 'strength': 1}"),
                row("deadline with an offset", "{'prompt': 'a fox', 'deadline': '2026-05-01T14:00:00.25+02:00'}"),
                row("128-character job id", "{'prompt': 'a fox', 'job_id': '" + "a.b_c:d-E9".repeat(12) + "abcdefgh'}"),
                row("model with a slash", "{'prompt': 'a fox', 'model': 'runwayml/stable-diffusion-v1-5'}"),
                row("every sampler", "{'prompt': 'a fox', 'sampler': 'dpmpp_2m'}"),
                row("largest metadata", "{'prompt': 'a fox', 'metadata': " + metadata(16, 64, 256) + "}"));
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                row("empty object", "{}"),
                row("an array", "[{'prompt': 'a fox'}]"),
                row("a string", "'a fox'"),
                row("null prompt", "{'prompt': null}"),
                row("blank prompt", "{'prompt': ' \\t\\n '}"),
                row("numeric prompt", "{'prompt': 42}"),
                row("4001-character prompt", "{'prompt': '" + "a".repeat(4001) + "'}"),
                row("4001 emoji", "{'prompt': '" + FOX.repeat(4001) + "'}"),
                row("4001-character negative prompt", "{'prompt': 'a', 'negative_prompt': '" + "n".repeat(4001) + "'}"),
                row("width not a multiple of 8", "{'prompt': 'a', 'width': 500}"),
                row("width below 64", "{'prompt': 'a', 'width': 56}"),
                row("height above 2048", "{'prompt': 'a', 'height': 2056}"),
                row("height as a string", "{'prompt': 'a', 'height': '512'}"),
                row("fractional width", "{'prompt': 'a', 'width': 512.5}"),
                row("no steps", "{'prompt': 'a', 'num_inference_steps': 0}"),
                row("201 steps", "{'prompt': 'a', 'num_inference_steps': 201}"),
                row("negative guidance", "{'prompt': 'a', 'guidance_scale': -0.1}"),
                row("guidance above 30", "{'prompt': 'a', 'guidance_scale': 30.5}"),
                row("guidance as a string", "{'prompt': 'a', 'guidance_scale': '7.5'}"),
                row("unknown sampler", "{'prompt': 'a', 'sampler': 'k_lms'}"),
                row("sampler in capitals", "{'prompt': 'a', 'sampler': 'DDIM'}"),
                row("unknown mode", "{'prompt': 'a', 'mode': 'inpaint'}"),
                row("eta above 1", "{'prompt': 'a', 'eta': 1.5}"),
                row("seed -1", "{'prompt': 'a', 'seed': -1}"),
                row("seed beyond 64 bits", "{'prompt': 'a', 'seed': 9223372036854775808}"),
                row("fractional seed", "{'prompt': 'a', 'seed': 1.5}"),
                row("no images", "{'prompt': 'a', 'num_images': 0}"),
                row("nine images", "{'prompt': 'a', 'num_images': 9}"),
                row("strength for txt2img", "{'prompt': 'a', 'strength': 0.5}"),
                row("init image for txt2img", "{'prompt': 'a', 'init_image': 's3://kiln-in/fox.png'}"),
                row(
                        "init image with a null mode",
                        "{'prompt': 'a', 'mode': null, 'init_image': 's3://kiln-in/fox.png'}"),
                row("img2img without init image", "{'prompt': 'a', 'mode': 'img2img'}"),
                row("img2img with a null init image", "{'prompt': 'a', 'mode': 'img2img', 'init_image': null}"),
                row(
                        "strength 0",
                        "{'prompt': 'a', 'mode': 'img2img', 'init_image': 's3://kiln-in/fox.png', 'strength': 0}"),
                row(
                        "strength above 1",
                        "{'prompt': 'a', 'mode': 'img2img', 'init_image': 's3://kiln-in/fox.png', 'strength': 1.2}"),
                row(
                        "init image over HTTPS",
                        "{'prompt': 'a', 'mode': 'img2img', 'init_image': 'https://example.com/fox.png'}"),
                row(
                        "init image bucket in capitals",
                        "{'prompt': 'a', 'mode': 'img2img', 'init_image': 's3://Kiln/fox.png'}"),
                row("init image without key", "{'prompt': 'a', 'mode': 'img2img', 'init_image': 's3://kiln-in/'}"),
                row("empty job id", "{'prompt': 'a', 'job_id': ''}"),
                row("job id with a space", "{'prompt': 'a', 'job_id': 'job 42'}"),
                row("job id with a trailing newline", "{'prompt': 'a', 'job_id': 'job-42\\n'}"),
                row("129-character job id", "{'prompt': 'a', 'job_id': '" + "j".repeat(129) + "'}"),
                row("model with a space", "{'prompt': 'a', 'model': 'sd 1.5'}"),
                row("schema version 2", "{'prompt': 'a', 'schema_version': 2}"),
                row("schema version as a string", "{'prompt': 'a', 'schema_version': '1'}"),
                row("priority beyond 32 bits", "{'prompt': 'a', 'priority': 2147483648}"),
                row("deadline in words", "{'prompt': 'a', 'deadline': 'tomorrow'}"),
                row("deadline without an offset", "{'prompt': 'a', 'deadline': '2026-05-01T12:00:00'}"),
                row("deadline as epoch seconds", "{'prompt': 'a', 'deadline': 1777636800}"),
                row("17 metadata entries", "{'prompt': 'a', 'metadata': " + metadata(17, 8, 8) + "}"),
                row("65-character metadata key", "{'prompt': 'a', 'metadata': " + metadata(1, 65, 8) + "}"),
                row("empty metadata key", "{'prompt': 'a', 'metadata': {'': 'x'}}"),
                row("257-character metadata value", "{'prompt': 'a', 'metadata': " + metadata(1, 8, 257) + "}"),
                row("numeric metadata value", "{'prompt': 'a', 'metadata': {'owner': 7}}"),
                row("metadata as a list", "{'prompt': 'a', 'metadata': ['owner']}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodRequests")
    void schemaAndParserBothAccept(String description, String json) {
        assertThat(RequestParser.parse(json)).isInstanceOf(ParseResult.Valid.class);
        assertThat(REQUEST_SCHEMA.errors(json)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void schemaAndParserBothReject(String description, String json) {
        assertThat(RequestParser.parse(json)).isInstanceOf(ParseResult.Invalid.class);
        assertThat(REQUEST_SCHEMA.errors(json)).isNotEmpty();
    }

    /**
     * Rules JSON Schema cannot state, so only the Java validation checks them: each row is a document the schema
     * accepts and the parser rejects, naming the field. docs/CONTRACTS.md lists the same rules.
     */
    static Stream<Arguments> javaOnlyRules() {
        return Stream.of(
                // a product of two fields: ⌊num_inference_steps × strength⌋ ≥ 1
                Arguments.of(
                        "img2img whose strength runs no step",
                        "strength",
                        "{\"prompt\": \"a\", \"mode\": \"img2img\", \"init_image\": \"s3://kiln-in/fox.png\", "
                                + "\"num_inference_steps\": 1, \"strength\": 0.5}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaOnlyRules")
    void onlyTheParserChecksRulesTheSchemaCannotState(String description, String field, String json) {
        assertThat(REQUEST_SCHEMA.errors(json))
                .as("the schema cannot express it")
                .isEmpty();
        assertThat(RequestParser.parse(json))
                .isInstanceOfSatisfying(ParseResult.Invalid.class, invalid -> assertThat(invalid.violations())
                        .extracting(Violation::field)
                        .containsExactly(field));
    }

    static Stream<Arguments> badEvents() {
        String progress = "'type': 'io.kiln.job.progress', 'data': {'step': 1, 'total': 2}";
        return Stream.of(
                row("CloudEvents 0.3", event("0.3", progress)),
                row("no subject", event(progress).replace("'subject': 'job-42', ", "")),
                row("unknown type", event("'type': 'io.kiln.job.paused', 'data': {}")),
                row(
                        "progress data under the succeeded type",
                        event("'type': 'io.kiln.job.succeeded', 'data': {'step': 1, 'total': 2}")),
                row("step 0", event("'type': 'io.kiln.job.progress', 'data': {'step': 0, 'total': 2}")),
                row(
                        "failure after no attempts",
                        event(
                                "'type': 'io.kiln.job.failed', 'data': {'code': 'internal', 'message': 'x', 'retriable': false, 'attempts': 0}")),
                row(
                        "success without images",
                        event(
                                "'type': 'io.kiln.job.succeeded', 'data': {'images': [], 'timings': {'queue_wait_ms': 0, 'denoise_ms': 0, 'decode_ms': 0, 'upload_ms': 0}, 'batch_size': 1}")),
                Arguments.of("sha256 in capitals", succeededWithSha256(Fixtures.SHA256.toUpperCase())),
                Arguments.of("sha256 too short", succeededWithSha256("9f86d081")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void schemaAndCodecBothRejectBadEvents(String description, String json) {
        assertThatThrownBy(() -> JsonCodec.readEvent(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RuntimeException.class);
        assertThat(EVENT_SCHEMA.errors(json)).isNotEmpty();
    }

    private static String written(GenerationRequest request) {
        return new String(JsonCodec.write(request), StandardCharsets.UTF_8);
    }

    private static String event(String typeAndData) {
        return event("1.0", typeAndData);
    }

    private static String event(String specversion, String typeAndData) {
        return "{'specversion': '" + specversion + "', 'id': 'e-1', 'source': '/kiln/workers/gpu-0', "
                + "'subject': 'job-42', 'time': '2026-05-01T12:00:00Z', 'datacontenttype': 'application/json', "
                + typeAndData + "}";
    }

    private static String succeededWithSha256(String sha256) {
        String json = new String(JsonCodec.write(Fixtures.envelope(Fixtures.succeeded())), StandardCharsets.UTF_8);
        return json.replace(Fixtures.SHA256, sha256);
    }

    /** A metadata object of {@code entries} entries with keys and values of the given lengths. */
    private static String metadata(int entries, int keyLength, int valueLength) {
        return IntStream.range(0, entries)
                .mapToObj(i ->
                        "'" + "%02d".formatted(i) + "k".repeat(keyLength - 2) + "': '" + "v".repeat(valueLength) + "'")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A table row; the JSON quotes with ' instead of escaped " for readability. */
    private static Arguments row(String description, String singleQuotedJson) {
        return Arguments.of(description, singleQuotedJson.replace('\'', '"'));
    }
}
