package io.kiln.engine.sampling;

import java.util.Objects;

/** The run bookkeeping all schedulers share: the config, the noise schedule, and the timesteps of the current run. */
abstract class AbstractScheduler implements Scheduler {
    protected final SchedulerConfig config;
    protected final NoiseSchedule schedule;
    private float[] timesteps;
    private int numInferenceSteps;

    AbstractScheduler(SchedulerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.schedule = NoiseSchedule.of(config);
    }

    @Override
    public final float[] setTimesteps(int numInferenceSteps) {
        if (numInferenceSteps < 1 || numInferenceSteps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("numInferenceSteps must lie in [1, " + config.numTrainTimesteps()
                    + "] (num_train_timesteps), got " + numInferenceSteps);
        }
        this.numInferenceSteps = numInferenceSteps;
        this.timesteps = prepareRun(numInferenceSteps);
        return timesteps.clone();
    }

    /**
     * Computes the timesteps of an n-step run, largest first, with any per-run tables that go with them, and forgets
     * the state of a previous run.
     */
    protected abstract float[] prepareRun(int numInferenceSteps);

    @Override
    public final float[] timesteps() {
        return requireRun().clone();
    }

    @Override
    public final float timestep(int stepIndex) {
        float[] run = requireRun();
        return run[Objects.checkIndex(stepIndex, run.length)];
    }

    @Override
    public final int numInferenceSteps() {
        requireRun();
        return numInferenceSteps;
    }

    /** The timestep of step {@code stepIndex} as a training timestep index, for the integer schedulers. */
    protected final int trainTimestep(int stepIndex) {
        return (int) timestep(stepIndex);
    }

    /** Validates a step index against the current run and returns it. */
    protected final int checkStep(int stepIndex) {
        return Objects.checkIndex(stepIndex, requireRun().length);
    }

    /** The timesteps of the current run; fails before the first {@link #setTimesteps}. */
    protected final float[] requireRun() {
        if (timesteps == null) {
            throw new IllegalStateException("call setTimesteps before sampling");
        }
        return timesteps;
    }
}
