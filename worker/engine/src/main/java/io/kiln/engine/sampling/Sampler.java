package io.kiln.engine.sampling;

import java.util.function.BiFunction;
import java.util.function.Function;

/** The samplers the pipeline runs, each building its scheduler from the checkpoint's config. */
public enum Sampler {
    /** DDIM, deterministic at η = 0 and ancestral at η = 1. */
    DDIM("ddim", DdimScheduler::new),
    /** PNDM's pseudo linear multistep method with the Runge–Kutta warm-up skipped, as SD 1.x ships it. */
    PLMS("plms", withoutEta(PndmScheduler::new)),
    /** DDPM ancestral sampling. */
    DDPM("ddpm", withoutEta(DdpmScheduler::new)),
    /** Euler on the probability-flow ODE (Karras et al.). */
    EULER("euler", withoutEta(EulerDiscreteScheduler::new)),
    /** Euler with ancestral noise. */
    EULER_ANCESTRAL("euler_ancestral", withoutEta(EulerAncestralScheduler::new)),
    /** DPM-Solver++(2M). */
    DPMPP_2M("dpmpp_2m", withoutEta(DpmSolverMultistepScheduler::new));

    private final String requestName;
    private final BiFunction<SchedulerConfig, Double, Scheduler> factory;

    Sampler(String requestName, BiFunction<SchedulerConfig, Double, Scheduler> factory) {
        this.requestName = requestName;
        this.factory = factory;
    }

    /** Its lowercase name, as requests and error messages give it. */
    public String requestName() {
        return requestName;
    }

    /** A new scheduler for one run, from the checkpoint's {@code scheduler_config.json}; η = 0. */
    public Scheduler create(SchedulerConfig config) {
        return create(config, 0);
    }

    /**
     * A new scheduler for one run. η (the share of DDPM's posterior variance a step re-injects, Song et al. eq. 16)
     * applies to DDIM only; the other samplers accept only its default, 0.
     */
    public Scheduler create(SchedulerConfig config, double eta) {
        return factory.apply(config, eta);
    }

    /** A sampler without an η of its own: it refuses any but 0 rather than silently ignore it. */
    private static BiFunction<SchedulerConfig, Double, Scheduler> withoutEta(
            Function<SchedulerConfig, Scheduler> factory) {
        return (config, eta) -> {
            if (eta != 0) {
                throw new IllegalArgumentException("eta applies to ddim only, got " + eta);
            }
            return factory.apply(config);
        };
    }
}
