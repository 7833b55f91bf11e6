package io.kiln.engine.train;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one stage trains: its length, batch, optimiser schedule and checkpoint cadence. Validated on construction.
 *
 * @param steps optimiser updates in the whole run, resumed ones included
 * @param batchSize examples per update
 * @param learningRate the peak learning rate, reached after {@code warmupSteps} linear steps and then decayed along
 *     a half cosine to a tenth of itself at the last step
 * @param warmupSteps updates spent ramping the learning rate up from zero
 * @param clipNorm the largest global gradient norm an update may apply; larger gradients are scaled down to it
 * @param emaDecay the decay of the weights' moving average, the weights that ship
 * @param checkpointEvery how often the whole state is saved so that a killed run resumes
 * @param seed fixes the initial weights and every example and noise draw
 */
public record TrainingSettings(
        int steps,
        int batchSize,
        double learningRate,
        int warmupSteps,
        double clipNorm,
        double emaDecay,
        Duration checkpointEvery,
        long seed) {

    public TrainingSettings {
        List<String> bad = new ArrayList<>();
        if (steps < 1) {
            bad.add("steps: must be ≥ 1, got " + steps);
        }
        if (batchSize < 1) {
            bad.add("batch size: must be ≥ 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            bad.add("learning rate: must be > 0, got " + learningRate);
        }
        if (warmupSteps < 0) {
            bad.add("warm-up steps: must be ≥ 0, got " + warmupSteps);
        }
        if (!(clipNorm > 0)) {
            bad.add("clip norm: must be > 0, got " + clipNorm);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            bad.add("EMA decay: must be in [0, 1), got " + emaDecay);
        }
        if (checkpointEvery.isNegative() || checkpointEvery.isZero()) {
            bad.add("checkpoint interval: must be positive, got " + checkpointEvery);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }

    /** The learning rate of update {@code t} (1-based). */
    public double learningRateAt(long t) {
        if (t <= warmupSteps) {
            return learningRate * t / warmupSteps;
        }
        double progress = (double) (t - warmupSteps) / Math.max(1, steps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return learningRate * (0.1 + 0.9 * cosine);
    }
}
