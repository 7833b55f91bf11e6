package io.kiln.contracts;

import com.github.f4b6a3.uuid.UuidCreator;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A request to generate images: the message on {@link Topics#JOBS}.
 *
 * <p>Only {@code prompt} is required; every other field has a default, applied by {@link #builder()} and by
 * {@link RequestParser}. On the wire a field set to {@code null} means the same as an absent one, and unknown fields
 * are ignored so that older readers accept requests written for newer contract versions. Every instance satisfies
 * the rules below: the constructor throws {@link InvalidRequestException} listing all violations at once. Lengths
 * count Unicode code points. Wire names are the snake_case forms of the component names.
 *
 * @param schemaVersion {@code schema_version}: the contract version; default 1, the only supported value
 * @param jobId {@code job_id}: the job's id, 1 to 128 characters of {@code [A-Za-z0-9._:-]}; null until the client
 *     supplies one or {@link #withAssignedIdentity} assigns a UUIDv7
 * @param model the model to run, 1 to 128 characters of {@code [A-Za-z0-9._:/-]}; null for the cluster's default
 *     model
 * @param mode {@code txt2img} or {@code img2img}; default {@code txt2img}
 * @param prompt the text to render: required, not blank, at most 4000 characters
 * @param negativePrompt {@code negative_prompt}: what to steer away from, at most 4000 characters; default empty
 * @param width image width in pixels, a multiple of 8 in 64..2048; null for the model's native width (the worker
 *     resolves it)
 * @param height image height in pixels, a multiple of 8 in 64..2048; null for the model's native height
 * @param numInferenceSteps {@code num_inference_steps}: denoising steps, 1..200; default 50
 * @param guidanceScale {@code guidance_scale}: classifier-free guidance weight, 0..30; default 7.5
 * @param sampler the noise scheduler; null for the model's own (PLMS for Stable Diffusion 1.5)
 * @param eta DDIM's η, the share of fresh noise added per step, 0..1; default 0 (deterministic)
 * @param seed the initial-noise seed, 0..2^63-1; null until the client supplies one or {@link #withAssignedIdentity}
 *     assigns one in [0, 2^32), so that a retried job renders the same image
 * @param numImages {@code num_images}: images to render, 1..8; default 1
 * @param strength img2img only: how far the init image is noised before denoising, in (0, 1]; default 0.8 for
 *     img2img, and always null for txt2img. It must leave at least one step to run: ⌊num_inference_steps ×
 *     strength⌋ ≥ 1 ({@link #denoisingSteps})
 * @param initImage {@code init_image}: img2img only, and required there: the start image as {@code s3://bucket/key}
 * @param priority scheduling priority, higher runs first; any 32-bit integer; default 0
 * @param deadline ISO-8601 instant after which the job fails as {@code expired} instead of running; null for none
 * @param metadata labels for the client, opaque to Kiln: at most 16 entries, keys of 1 to 64 characters, values of
 *     at most 256; default empty
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GenerationRequest(
        int schemaVersion,
        String jobId,
        String model,
        Mode mode,
        String prompt,
        String negativePrompt,
        Integer width,
        Integer height,
        int numInferenceSteps,
        double guidanceScale,
        Sampler sampler,
        double eta,
        Long seed,
        int numImages,
        Double strength,
        S3Uri initImage,
        int priority,
        Instant deadline,
        Map<String, String> metadata) {

    /** The contract version this library writes and the only one it reads. */
    public static final int SCHEMA_VERSION = 1;

    /** {@code num_inference_steps} when a request leaves it out. */
    public static final int DEFAULT_STEPS = 50;

    /** {@code guidance_scale} when a request leaves it out. */
    public static final double DEFAULT_GUIDANCE_SCALE = 7.5;

    /** {@code num_images} when a request leaves it out. */
    public static final int DEFAULT_NUM_IMAGES = 1;

    /** {@code strength} when an img2img request leaves it out. */
    public static final double DEFAULT_STRENGTH = 0.8;

    /** What {@code strength} must be, for a client that checks it without a request to build (see {@link #isStrength}). */
    public static final String STRENGTH_RULE = "must be greater than 0 and at most 1";

    private static final int MAX_PROMPT_LENGTH = 4000;
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    // The JSON Schema uses this expression too, so both agree on what counts as whitespace.
    private static final Pattern NOT_BLANK = Pattern.compile("\\S");
    private static final int MAX_METADATA_ENTRIES = 16;
    private static final int MAX_METADATA_KEY_LENGTH = 64;
    private static final int MAX_METADATA_VALUE_LENGTH = 256;

    public GenerationRequest {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(negativePrompt, "negativePrompt");
        // Keeps the caller's order, so that serializing is stable.
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));

        ViolationCollector check = new ViolationCollector();
        check.require(
                schemaVersion == SCHEMA_VERSION,
                "schema_version",
                "unsupported version " + schemaVersion + "; supported versions: " + SCHEMA_VERSION);
        check.require(
                jobId == null || isJobId(jobId), "job_id", "must be 1 to 128 characters from A-Z a-z 0-9 . _ : -");
        check.require(
                model == null || MODEL.matcher(model).matches(),
                "model",
                "must be 1 to 128 characters from A-Z a-z 0-9 . _ : / -");
        if (prompt == null) {
            check.add("prompt", "is required");
        } else {
            check.require(NOT_BLANK.matcher(prompt).find(), "prompt", "must not be blank");
            check.require(
                    length(prompt) <= MAX_PROMPT_LENGTH,
                    "prompt",
                    "must be at most " + MAX_PROMPT_LENGTH + " characters");
        }
        check.require(
                length(negativePrompt) <= MAX_PROMPT_LENGTH,
                "negative_prompt",
                "must be at most " + MAX_PROMPT_LENGTH + " characters");
        check.require(isImageSide(width), "width", "must be a multiple of 8 between 64 and 2048");
        check.require(isImageSide(height), "height", "must be a multiple of 8 between 64 and 2048");
        check.require(
                numInferenceSteps >= 1 && numInferenceSteps <= 200, "num_inference_steps", "must be between 1 and 200");
        check.require(guidanceScale >= 0 && guidanceScale <= 30, "guidance_scale", "must be between 0 and 30");
        check.require(eta >= 0 && eta <= 1, "eta", "must be between 0 and 1");
        check.require(
                seed == null || seed >= 0,
                "seed",
                "must be between 0 and " + Long.MAX_VALUE + " (leave it out for a random seed)");
        check.require(numImages >= 1 && numImages <= 8, "num_images", "must be between 1 and 8");
        if (mode == Mode.IMG2IMG) {
            check.require(initImage != null, "init_image", "is required when mode is img2img");
            check.require(strength != null && isStrength(strength), "strength", STRENGTH_RULE);
            if (strength != null && isStrength(strength) && numInferenceSteps >= 1) {
                check.require(
                        denoisingSteps(numInferenceSteps, strength) >= 1,
                        "strength",
                        "runs no denoising step at " + numInferenceSteps
                                + (numInferenceSteps == 1 ? " step" : " steps")
                                + "; needs steps × strength ≥ 1");
            }
        } else {
            check.require(initImage == null, "init_image", "is only allowed when mode is img2img");
            check.require(strength == null, "strength", "is only allowed when mode is img2img");
        }
        checkMetadata(metadata, check);
        check.throwIfAny();
    }

    /** Starts a request with every default applied; only {@code prompt} must be set before {@code build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder()
                .schemaVersion(schemaVersion)
                .jobId(jobId)
                .model(model)
                .mode(mode)
                .prompt(prompt)
                .negativePrompt(negativePrompt)
                .width(width)
                .height(height)
                .numInferenceSteps(numInferenceSteps)
                .guidanceScale(guidanceScale)
                .sampler(sampler)
                .eta(eta)
                .seed(seed)
                .numImages(numImages)
                .strength(strength)
                .initImage(initImage)
                .priority(priority)
                .deadline(deadline)
                .metadata(metadata);
    }

    /**
     * Fixes the job's identity at submission: returns a copy whose absent {@code job_id} is a new UUIDv7 and whose
     * absent {@code seed} comes from {@code seeds}. Values the client supplied are kept. Retries reuse the copy, so
     * a retried job renders the same image.
     */
    public GenerationRequest withAssignedIdentity(SeedSource seeds) {
        if (jobId != null && seed != null) {
            return this;
        }
        Builder copy = toBuilder();
        if (jobId == null) {
            copy.jobId(UuidCreator.getTimeOrderedEpoch().toString());
        }
        if (seed == null) {
            copy.seed(seeds.nextSeed());
        }
        return copy.build();
    }

    /**
     * Whether {@code candidate} is a well-formed job id: 1 to 128 characters of {@code [A-Za-z0-9._:-]}, safe in an S3
     * key and a Kafka header alike.
     */
    public static boolean isJobId(String candidate) {
        return JOB_ID.matcher(candidate).matches();
    }

    /**
     * How many of {@code steps} an img2img run of {@code strength} denoises: ⌊steps·strength⌋, as diffusers'
     * {@code get_timesteps} (and the engine's {@code Scheduler.startIndexForStrength}) count them. A request is valid
     * only when this is at least 1; JSON Schema cannot express a product of two fields, so this rule is Java's alone.
     */
    public static int denoisingSteps(int steps, double strength) {
        return (int) Math.min(Math.floor(steps * strength), steps);
    }

    /** Whether {@code strength} is an img2img strength: in (0, 1]. */
    public static boolean isStrength(double strength) {
        return strength > 0 && strength <= 1;
    }

    private static boolean isImageSide(Integer pixels) {
        return pixels == null || (pixels >= 64 && pixels <= 2048 && pixels % 8 == 0);
    }

    private static void checkMetadata(Map<String, String> metadata, ViolationCollector check) {
        check.require(
                metadata.size() <= MAX_METADATA_ENTRIES,
                "metadata",
                "must have at most " + MAX_METADATA_ENTRIES + " entries");
        metadata.forEach((key, value) -> {
            String field = "metadata." + key;
            check.require(
                    length(key) >= 1 && length(key) <= MAX_METADATA_KEY_LENGTH,
                    field,
                    "key must be 1 to " + MAX_METADATA_KEY_LENGTH + " characters");
            check.require(
                    length(value) <= MAX_METADATA_VALUE_LENGTH,
                    field,
                    "must be at most " + MAX_METADATA_VALUE_LENGTH + " characters");
        });
    }

    /** Length in code points, as JSON Schema's {@code maxLength} counts, so an emoji counts once. */
    private static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * Assembles a {@link GenerationRequest}, starting from the documented defaults. Setters take the values
     * described on the record; {@code null} leaves an optional field absent.
     */
    public static final class Builder {
        private int schemaVersion = SCHEMA_VERSION;
        private String jobId;
        private String model;
        private Mode mode = Mode.TXT2IMG;
        private String prompt;
        private String negativePrompt = "";
        private Integer width;
        private Integer height;
        private int numInferenceSteps = DEFAULT_STEPS;
        private double guidanceScale = DEFAULT_GUIDANCE_SCALE;
        private Sampler sampler;
        private double eta = 0.0;
        private Long seed;
        private int numImages = DEFAULT_NUM_IMAGES;
        private Double strength;
        private S3Uri initImage;
        private int priority = 0;
        private Instant deadline;
        private Map<String, String> metadata = Map.of();

        private Builder() {}

        public Builder schemaVersion(int schemaVersion) {
            this.schemaVersion = schemaVersion;
            return this;
        }

        public Builder jobId(String jobId) {
            this.jobId = jobId;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder negativePrompt(String negativePrompt) {
            this.negativePrompt = negativePrompt;
            return this;
        }

        public Builder width(Integer width) {
            this.width = width;
            return this;
        }

        public Builder height(Integer height) {
            this.height = height;
            return this;
        }

        public Builder numInferenceSteps(int numInferenceSteps) {
            this.numInferenceSteps = numInferenceSteps;
            return this;
        }

        public Builder guidanceScale(double guidanceScale) {
            this.guidanceScale = guidanceScale;
            return this;
        }

        public Builder sampler(Sampler sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder eta(double eta) {
            this.eta = eta;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder numImages(int numImages) {
            this.numImages = numImages;
            return this;
        }

        /** Sets the img2img strength; left null, an img2img request gets 0.8. */
        public Builder strength(Double strength) {
            this.strength = strength;
            return this;
        }

        public Builder initImage(S3Uri initImage) {
            this.initImage = initImage;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder deadline(Instant deadline) {
            this.deadline = deadline;
            return this;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /**
         * Creates the request.
         *
         * @throws InvalidRequestException listing every broken rule
         */
        public GenerationRequest build() {
            Double effectiveStrength = strength;
            if (effectiveStrength == null && mode == Mode.IMG2IMG) {
                effectiveStrength = DEFAULT_STRENGTH;
            }
            return new GenerationRequest(
                    schemaVersion,
                    jobId,
                    model,
                    mode,
                    prompt,
                    negativePrompt,
                    width,
                    height,
                    numInferenceSteps,
                    guidanceScale,
                    sampler,
                    eta,
                    seed,
                    numImages,
                    effectiveStrength,
                    initImage,
                    priority,
                    deadline,
                    metadata);
        }
    }
}
