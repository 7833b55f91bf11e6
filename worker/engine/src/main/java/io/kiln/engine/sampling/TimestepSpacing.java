package io.kiln.engine.sampling;

/**
 * How n inference timesteps are picked among the T training timesteps, by their diffusers {@code timestep_spacing}
 * names (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", table 2). The values follow
 * diffusers' numpy arithmetic exactly, so every scheduler reproduces diffusers' timestep lists.
 */
public enum TimestepSpacing {
    /** {@code linspace(0, T − 1, n)}: both ends of the schedule included; values may be fractional. */
    LINSPACE("linspace"),
    /** {@code k·⌊T/n⌋ + steps_offset}: what SD 1.x shipped with (50 steps, offset 1: 981 … 1). */
    LEADING("leading"),
    /** {@code round(T − k·T/n) − 1}: always starts at T − 1 (50 steps: 999 … 19). */
    TRAILING("trailing");

    private final String configName;

    TimestepSpacing(String configName) {
        this.configName = configName;
    }

    /** The value of {@code timestep_spacing} in a diffusers scheduler config. */
    public String configName() {
        return configName;
    }

    /** The spacing a config names; throws naming the field and the accepted values otherwise. */
    public static TimestepSpacing fromConfigName(String name) {
        for (TimestepSpacing spacing : values()) {
            if (spacing.configName.equals(name)) {
                return spacing;
            }
        }
        throw new IllegalArgumentException("timestep_spacing \"" + name
                + "\" is not supported; expected \"leading\", \"trailing\" or \"linspace\"");
    }

    /**
     * The n timesteps, largest first, before any rounding: integer schedulers round them half-to-even (numpy's
     * {@code round}), the Euler family keeps {@code linspace}'s fractions as float32.
     */
    double[] descending(int n, int trainSteps, int stepsOffset) {
        double[] timesteps = new double[n];
        switch (this) {
            case LINSPACE -> {
                // numpy.linspace: k·step for every point but the last, which is the end point itself; one point is
                // the start alone (diffusers' Euler runs a 1-step run at t = 0).
                double step = n > 1 ? (trainSteps - 1.0) / (n - 1) : 0;
                for (int k = 0; k < n; k++) {
                    double value = k == n - 1 && n > 1 ? trainSteps - 1.0 : k * step;
                    timesteps[n - 1 - k] = value;
                }
            }
            case LEADING -> {
                int ratio = trainSteps / n;
                for (int k = 0; k < n; k++) {
                    timesteps[n - 1 - k] = (double) k * ratio + stepsOffset;
                }
            }
            case TRAILING -> {
                // numpy.arange(T, 0, −T/n) steps by (T − T/n) − T, not by −T/n; for some n (61, 103, …) it even
                // yields an (n+1)-th point ≈ 0 that diffusers turns into timestep −1. Only the first n are taken.
                double delta = (trainSteps - (double) trainSteps / n) - trainSteps;
                for (int k = 0; k < n; k++) {
                    timesteps[k] = Math.rint(trainSteps + k * delta) - 1;
                }
            }
        }
        return timesteps;
    }
}
