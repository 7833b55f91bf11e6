package io.kiln.engine.sampling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a diffusers {@code scheduler_config.json} that the samplers of this package read. A checkpoint ships
 * one such file (SD 1.5: a PNDM config) and every sampler is built from it, as diffusers'
 * {@code Cls.from_config(pipe.scheduler.config)} does: keys a class does not know are ignored, and absent keys take
 * diffusers' defaults. Two of those defaults differ by class, so they stay {@link Optional} here and each scheduler
 * resolves them: {@code set_alpha_to_one} (DDIM true, PNDM false) and {@code timestep_spacing} ("leading" for
 * DDIM/PNDM/DDPM, "linspace" for Euler, Euler ancestral and DPM-Solver++).
 *
 * <p>Only ε-prediction models are supported ({@code prediction_type} "epsilon", the SD 1.x default); configs that
 * ask for features these samplers do not implement are rejected rather than silently sampled differently.
 *
 * @param numTrainTimesteps {@code num_train_timesteps}, T (SD: 1000)
 * @param betaStart {@code beta_start}, β_1 (SD: 0.00085)
 * @param betaEnd {@code beta_end}, β_T (SD: 0.012)
 * @param betaSchedule {@code beta_schedule}
 * @param stepsOffset {@code steps_offset}, added to "leading" timesteps (SD: 1)
 * @param setAlphaToOne {@code set_alpha_to_one}: whether the step past t = 0 uses ᾱ = 1 rather than ᾱ_0
 * @param clipSample {@code clip_sample}: whether DDIM/DDPM clamp the predicted x_0 (SD: false)
 * @param clipSampleRange {@code clip_sample_range}: the clamp bound
 * @param timestepSpacing {@code timestep_spacing}
 */
public record SchedulerConfig(
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        BetaSchedule betaSchedule,
        int stepsOffset,
        Optional<Boolean> setAlphaToOne,
        boolean clipSample,
        double clipSampleRange,
        Optional<TimestepSpacing> timestepSpacing) {

    private static final String[] UNSUPPORTED_SWITCHES = {"thresholding", "rescale_betas_zero_snr", "use_karras_sigmas"
    };

    public SchedulerConfig {
        if (numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be ≥ 2, got " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaStart < betaEnd && betaEnd < 1)) {
            throw new IllegalArgumentException(
                    "beta_start and beta_end must satisfy 0 < beta_start < beta_end < 1, got " + betaStart + " and "
                            + betaEnd);
        }
        Objects.requireNonNull(betaSchedule, "betaSchedule");
        Objects.requireNonNull(setAlphaToOne, "setAlphaToOne (Optional.empty() when absent)");
        Objects.requireNonNull(timestepSpacing, "timestepSpacing (Optional.empty() when absent)");
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            throw new IllegalArgumentException("steps_offset must lie in [0, num_train_timesteps), got " + stepsOffset);
        }
        if (!(clipSampleRange > 0)) {
            throw new IllegalArgumentException("clip_sample_range must be > 0, got " + clipSampleRange);
        }
    }

    /** Stable Diffusion 1.5's {@code scheduler_config.json} (a PNDM config without {@code timestep_spacing}). */
    public static SchedulerConfig stableDiffusion() {
        return new SchedulerConfig(
                1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, 1, Optional.of(false), false, 1.0, Optional.empty());
    }

    /** Reads a {@code scheduler_config.json} file. */
    public static SchedulerConfig read(Path file) {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a {@code scheduler_config.json}; an invalid field is named in the exception. */
    public static SchedulerConfig fromJson(String json) {
        JsonNode root;
        try {
            root = JsonMapper.shared().readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("scheduler config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("scheduler config must be a JSON object");
        }
        String prediction = string(root, "prediction_type", "epsilon");
        if (!prediction.equals("epsilon")) {
            throw new IllegalArgumentException(
                    "prediction_type \"" + prediction + "\" is not supported; only \"epsilon\" models are");
        }
        if (present(root, "trained_betas")) {
            throw new IllegalArgumentException(
                    "trained_betas is not supported; give beta_start/beta_end/beta_schedule");
        }
        for (String field : UNSUPPORTED_SWITCHES) {
            if (bool(root, field, false)) {
                throw new IllegalArgumentException(field + " = true is not supported");
            }
        }
        return new SchedulerConfig(
                integer(root, "num_train_timesteps", 1000),
                number(root, "beta_start", 0.0001),
                number(root, "beta_end", 0.02),
                BetaSchedule.fromConfigName(string(root, "beta_schedule", "linear")),
                integer(root, "steps_offset", 0),
                present(root, "set_alpha_to_one")
                        ? Optional.of(bool(root, "set_alpha_to_one", false))
                        : Optional.empty(),
                bool(root, "clip_sample", true),
                number(root, "clip_sample_range", 1.0),
                present(root, "timestep_spacing")
                        ? Optional.of(TimestepSpacing.fromConfigName(string(root, "timestep_spacing", "")))
                        : Optional.empty());
    }

    /** {@code set_alpha_to_one}, or the default of the scheduler class asking. */
    public boolean setAlphaToOneOr(boolean classDefault) {
        return setAlphaToOne.orElse(classDefault);
    }

    /** {@code timestep_spacing}, or the default of the scheduler class asking. */
    public TimestepSpacing timestepSpacingOr(TimestepSpacing classDefault) {
        return timestepSpacing.orElse(classDefault);
    }

    private static boolean present(JsonNode root, String field) {
        JsonNode value = root.path(field);
        return !value.isMissingNode() && !value.isNull();
    }

    private static int integer(JsonNode root, String field, int absent) {
        if (!present(root, field)) {
            return absent;
        }
        JsonNode value = root.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be an integer, got " + value);
        }
        return value.intValue();
    }

    private static double number(JsonNode root, String field, double absent) {
        if (!present(root, field)) {
            return absent;
        }
        JsonNode value = root.get(field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private static boolean bool(JsonNode root, String field, boolean absent) {
        if (!present(root, field)) {
            return absent;
        }
        JsonNode value = root.get(field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static String string(JsonNode root, String field, String absent) {
        if (!present(root, field)) {
            return absent;
        }
        JsonNode value = root.get(field);
        if (!value.isString()) {
            throw new IllegalArgumentException(field + " must be a string, got " + value);
        }
        return value.stringValue();
    }
}
