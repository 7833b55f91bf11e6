package io.kiln.cli;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Sampler;
import picocli.CommandLine.Option;

/** {@code --sampler}, {@code --steps} and {@code --guidance}, for the commands that denoise. */
final class SamplingArguments {
    @Option(
            names = "--sampler",
            converter = SamplerName.class,
            description = "ddim, plms, ddpm, euler, euler_ancestral or dpmpp_2m (default: the model's own).")
    private Sampler sampler;

    @Option(
            names = "--steps",
            defaultValue = "" + GenerationRequest.DEFAULT_STEPS,
            description = "Denoising steps, 1..200 (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(
            names = "--guidance",
            defaultValue = "" + GenerationRequest.DEFAULT_GUIDANCE_SCALE,
            description = "Guidance scale, 0..30 (default: ${DEFAULT-VALUE}).")
    private double guidance;

    /** The request with these settings, which the request's own validation then checks. */
    GenerationRequest.Builder applyTo(GenerationRequest.Builder request) {
        return request.numInferenceSteps(steps).guidanceScale(guidance).sampler(sampler);
    }

    double guidance() {
        return guidance;
    }
}
