package io.kiln.engine.train;

import java.time.Duration;

/**
 * Where a run stands after an update.
 *
 * @param step updates done
 * @param steps updates in the whole run
 * @param loss this update's loss
 * @param stepsPerSecond updates per second in this process
 * @param samplesPerSecond examples per second in this process
 * @param elapsed training time of the run, earlier sessions of a resumed run included
 */
public record TrainingProgress(
        int step, int steps, double loss, double stepsPerSecond, double samplesPerSecond, Duration elapsed) {
    /** Receives progress after every update. */
    @FunctionalInterface
    public interface Listener {
        void onUpdate(TrainingProgress progress);
    }
}
