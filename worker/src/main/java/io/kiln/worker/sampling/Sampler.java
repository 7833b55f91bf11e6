package io.kiln.worker.sampling;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The samplers a generation request can name, each building its scheduler from the checkpoint's config. */
public enum Sampler {
    /** DDIM with η = 0. */
    DDIM("ddim", config -> new DdimScheduler(config, 0)),
    /** PNDM's pseudo linear multistep method with the Runge–Kutta warm-up skipped, as SD 1.x ships it. */
    PLMS("plms", PndmScheduler::new),
    /** DDPM ancestral sampling. */
    DDPM("ddpm", DdpmScheduler::new),
    /** Euler on the probability-flow ODE (Karras et al.). */
    EULER("euler", EulerDiscreteScheduler::new),
    /** Euler with ancestral noise. */
    EULER_ANCESTRAL("euler_ancestral", EulerAncestralScheduler::new),
    /** DPM-Solver++(2M). */
    DPMPP_2M("dpmpp_2m", DpmSolverMultistepScheduler::new);

    private final String requestName;
    private final Function<SchedulerConfig, Scheduler> factory;

    Sampler(String requestName, Function<SchedulerConfig, Scheduler> factory) {
        this.requestName = requestName;
        this.factory = factory;
    }

    /** The name a request uses. */
    public String requestName() {
        return requestName;
    }

    /** Whether the sampler needs a {@link NoiseSource} at every step. */
    public boolean isStochastic() {
        return this == DDPM || this == EULER_ANCESTRAL;
    }

    /** A new scheduler for one run, from the checkpoint's {@code scheduler_config.json}. */
    public Scheduler create(SchedulerConfig config) {
        return factory.apply(config);
    }

    /** The sampler a request names; throws listing the known names otherwise. */
    public static Sampler fromRequestName(String name) {
        for (Sampler sampler : values()) {
            if (sampler.requestName.equals(name)) {
                return sampler;
            }
        }
        throw new IllegalArgumentException("unknown sampler \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(Sampler::requestName).collect(Collectors.joining(", ")));
    }
}
