package io.kiln.engine.sampling;

/** How the training noise variances β_1 … β_T are spaced, by their diffusers {@code beta_schedule} names. */
public enum BetaSchedule {
    /** β evenly spaced from {@code beta_start} to {@code beta_end} (DDPM's schedule). */
    LINEAR("linear"),
    /** √β evenly spaced, then squared: Stable Diffusion's schedule ({@code scaled_linear}). */
    SCALED_LINEAR("scaled_linear");

    private final String configName;

    BetaSchedule(String configName) {
        this.configName = configName;
    }

    /** The value of {@code beta_schedule} in a diffusers scheduler config. */
    public String configName() {
        return configName;
    }

    /** The schedule a config names; throws naming the field and the accepted values otherwise. */
    public static BetaSchedule fromConfigName(String name) {
        for (BetaSchedule schedule : values()) {
            if (schedule.configName.equals(name)) {
                return schedule;
            }
        }
        throw new IllegalArgumentException(
                "beta_schedule \"" + name + "\" is not supported; expected \"linear\" or \"scaled_linear\"");
    }
}
