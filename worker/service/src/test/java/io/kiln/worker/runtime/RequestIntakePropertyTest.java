package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Mode;
import io.kiln.contracts.Sampler;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.sampling.SchedulerConfig;
import io.kiln.jobs.ServedModel;
import io.kiln.worker.kafka.JobRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Thousands of requests that the JSON Schema accepts, edge values weighted up, go through the intake and the
 * resolver: each one resolves or is rejected naming a field, and none throws. A request the poll loop cannot read
 * must be that job's failure, never the worker's (issue 19, defect 1: steps 1 × strength 0.5 stopped every worker).
 *
 * <p>A seeded generator rather than a property-testing library: the seed is printed with a failure, so any case
 * found is replayed by fixing {@link #SEED}.
 */
class RequestIntakePropertyTest {
    private static final long SEED = 19L;
    private static final String FOX = "\uD83E\uDD8A";
    private static final int REQUESTS = 5_000;
    private static final Pattern FIELD = Pattern.compile("^([a-z_]+|\\$)(\\.[^:]*)?: .+");
    /** The request's fields; not {@code $}, since every document here is a well-formed JSON object. */
    private static final Set<String> FIELDS = Set.of(
            "schema_version",
            "job_id",
            "model",
            "mode",
            "prompt",
            "negative_prompt",
            "width",
            "height",
            "num_inference_steps",
            "guidance_scale",
            "sampler",
            "eta",
            "seed",
            "num_images",
            "strength",
            "init_image",
            "priority",
            "deadline",
            "metadata");

    private static final ServedModel TINY =
            new ServedModel("tiny", ImageSize.square(64), io.kiln.engine.sampling.Sampler.PLMS);

    private final RequestIntake intake = new RequestIntake(TINY, SchedulerConfig.stableDiffusion());
    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void everySchemaValidRequestResolvesOrIsRejectedNamingAField() {
        int accepted = 0;
        int img2imgAccepted = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String json = request();
            String shown = json.replace(FOX.repeat(4000), FOX + "×4000");
            RequestIntake.Result result;
            try {
                result = intake.read(record(json, i));
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + ", request " + i + " threw: " + shown, e);
            }
            switch (result) {
                case RequestIntake.Accepted ok -> {
                    accepted++;
                    JobSpec spec = ok.spec();
                    int steps = spec.resolved().sampling().steps();
                    assertThat(spec.key().compatibility().startStep())
                            .as("the start step of %s", shown)
                            .isBetween(0, steps - 1);
                    if (spec.resolved().img2imgStrength().isPresent()) {
                        img2imgAccepted++;
                    }
                }
                case RequestIntake.Rejected rejected -> {
                    String message = rejected.outcome().failure().getMessage();
                    assertThat(rejected.outcome().failure().code())
                            .as(shown)
                            .isIn(ErrorCode.INVALID_REQUEST, ErrorCode.UNKNOWN_MODEL);
                    // violations are joined with "; ", which a rule's own text may contain too
                    for (String violation : message.split("; (?=[a-z_.]+: )")) {
                        Matcher named = FIELD.matcher(violation);
                        if (!named.matches() || !FIELDS.contains(named.group(1))) {
                            fail("seed %d, request %d: \"%s\" names no field of %s", SEED, i, violation, shown);
                        }
                    }
                }
            }
        }
        assertThat(accepted).as("requests the tiny model runs").isGreaterThan(REQUESTS / 4);
        assertThat(img2imgAccepted).as("img2img requests it runs").isGreaterThan(REQUESTS / 10);
    }

    /** A request the schema accepts: every field optional but the prompt, each drawn from its whole range. */
    private String request() {
        List<String> fields = new ArrayList<>();
        fields.add(quoted("prompt", pick(() -> "a", () -> "a red fox", () -> FOX.repeat(4000))));
        maybe(fields, "job_id", () -> quote(pick(() -> "j-" + random.nextInt(1000), () -> "a".repeat(128))));
        maybe(fields, "model", () -> quote(pick(() -> "tiny", () -> "sd-xl")));
        maybe(fields, "negative_prompt", () -> quote(pick(() -> "", () -> "blurry")));
        maybe(fields, "width", this::side);
        maybe(fields, "height", this::side);
        int steps = pick(() -> 1, () -> 2, () -> 3, () -> 200, () -> 1 + random.nextInt(200));
        maybe(fields, "num_inference_steps", () -> Integer.toString(steps));
        maybe(fields, "guidance_scale", () -> number(0, 30));
        maybe(fields, "sampler", () -> quote(Sampler.values()[random.nextInt(Sampler.values().length)].wireName()));
        maybe(fields, "eta", () -> pick(() -> "0", () -> number(0, 1)));
        maybe(fields, "seed", () -> pick(() -> "0", () -> Long.toString(Long.MAX_VALUE), () -> "7"));
        maybe(fields, "num_images", () -> Integer.toString(1 + random.nextInt(8)));
        maybe(fields, "priority", () -> pick(() -> "-2147483648", () -> "2147483647", () -> "0"));
        maybe(
                fields,
                "deadline",
                () -> quote(pick(() -> "2020-01-01T00:00:00Z", () -> "2999-12-31T23:59:59.999+14:00")));
        maybe(fields, "metadata", () -> pick(() -> "{}", () -> "{\"owner\": \"ana\"}"));
        if (random.nextBoolean()) {
            fields.add(quoted("mode", Mode.IMG2IMG.wireName()));
            fields.add(quoted("init_image", "s3://kiln-in/fox.png"));
            maybe(fields, "strength", this::strength);
        } else {
            maybe(fields, "mode", () -> quote(Mode.TXT2IMG.wireName()));
        }
        return "{" + String.join(", ", fields) + "}";
    }

    private String side() {
        return Integer.toString(pick(() -> 64, () -> 2048, () -> 8 * (8 + random.nextInt(249))));
    }

    /** (0, 1], with the values near a step boundary that ⌊steps × strength⌋ turns on. */
    private String strength() {
        return pick(
                () -> "1",
                () -> "0.5",
                () -> "0.005",
                () -> "0.00001",
                () -> Double.toString(Double.MIN_VALUE),
                () -> Double.toString(Math.nextUp(0.0) + random.nextDouble()),
                () -> Double.toString(1.0 / (1 + random.nextInt(200))));
    }

    private String number(double from, double to) {
        return pick(
                () -> Double.toString(from),
                () -> Double.toString(to),
                () -> Double.toString(from + (to - from) * random.nextDouble()));
    }

    private void maybe(List<String> fields, String name, Supplier<String> value) {
        switch (random.nextInt(4)) {
            case 0 -> {}
            case 1 -> fields.add("\"" + name + "\": null");
            default -> fields.add("\"" + name + "\": " + value.get());
        }
    }

    @SafeVarargs
    private <T> T pick(Supplier<T>... choices) {
        return choices[random.nextInt(choices.length)].get();
    }

    private static String quoted(String name, String value) {
        return "\"" + name + "\": " + quote(value);
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }

    private static JobRecord record(String json, long offset) {
        return new JobRecord(
                new TopicPartition("kiln.jobs.v1", 0),
                offset,
                null,
                json.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                Instant.parse("2026-05-01T12:00:00Z"));
    }
}
