package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The noise scheduler that drives the denoising loop; each names its diffusers counterpart. */
public enum Sampler {
    /** {@code DDIMScheduler}: Song et al. 2020, deterministic when {@code eta} is 0. */
    DDIM("ddim"),
    /** {@code PNDMScheduler} with PLMS steps: Liu et al. 2022, the Stable Diffusion 1.5 default. */
    PLMS("plms"),
    /** {@code DDPMScheduler}: Ho et al. 2020, ancestral sampling; needs many steps. */
    DDPM("ddpm"),
    /** {@code EulerDiscreteScheduler}: Karras et al. 2022, Euler method. */
    EULER("euler"),
    /** {@code EulerAncestralDiscreteScheduler}: Euler with fresh noise at every step. */
    EULER_ANCESTRAL("euler_ancestral"),
    /** {@code DPMSolverMultistepScheduler}: Lu et al. 2022, DPM-Solver++ 2M. */
    DPMPP_2M("dpmpp_2m");

    private final String wireName;

    Sampler(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The sampler of a wire name; throws listing the known names otherwise. */
    public static Sampler fromWireName(String name) {
        for (Sampler sampler : values()) {
            if (sampler.wireName.equals(name)) {
                return sampler;
            }
        }
        throw new IllegalArgumentException("unknown sampler \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(Sampler::wireName).collect(Collectors.joining(", ")));
    }
}
