package io.kiln.engine.sampling;

import io.kiln.engine.model.Golden;
import java.util.Locale;

/** Names and configs of the golden scheduler traces ({@code schedulers/} in the golden folder). */
final class Traces {
    private Traces() {}

    /** SD 1.5's scheduler config, as the sd-mini model folder ships it. */
    static SchedulerConfig stableDiffusionConfig() {
        return SchedulerConfig.read(Golden.file("models/sd-mini/scheduler/scheduler_config.json"));
    }

    /** The scheduler a trace was recorded with, by the trace's name. */
    static Scheduler scheduler(String trace) {
        SchedulerConfig config = stableDiffusionConfig();
        return switch (trace) {
            case "ddim_eta0" -> new DdimScheduler(config, 0);
            case "ddim_eta1" -> new DdimScheduler(config, 1);
            case "pndm_plms" -> Sampler.PLMS.create(config);
            case "ddpm" -> Sampler.DDPM.create(config);
            case "euler" -> Sampler.EULER.create(config);
            case "euler_ancestral" -> Sampler.EULER_ANCESTRAL.create(config);
            case "dpmpp_2m" -> Sampler.DPMPP_2M.create(config);
            default -> throw new IllegalArgumentException("no golden trace named " + trace);
        };
    }

    /** The relative path of a trace file. */
    static String file(String trace, int steps) {
        return "schedulers/" + trace + "_n" + steps + ".safetensors";
    }

    /** A per-step tensor name: {@code x_007}. */
    static String stepName(String prefix, int step) {
        return String.format(Locale.ROOT, "%s_%03d", prefix, step);
    }
}
