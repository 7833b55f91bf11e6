package io.kiln.engine.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.kiln.engine.model.nn.Parameter;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a training update's time goes: the same batches timed as a forward pass only, as forward and backward, and
 * as the whole update (clipping, AdamW and the moving average too). The ratios say what backpropagation and the
 * optimiser cost on top of the loss itself.
 */
public final class TrainingBenchmark {
    /** Samples per second of each way of running a stage's step. */
    public record Throughput(String stage, int batchSize, double forward, double forwardBackward, double update) {}

    private TrainingBenchmark() {}

    /** Times {@code runs} steps of each kind after {@code warmUps} untimed ones. */
    public static Throughput measure(TrainingStage stage, TrainingSettings settings, int warmUps, int runs) {
        Map<String, Parameter> trained = stage.trained();
        // One untimed pass over the batches the runs draw fills what a stage keeps per example (the LDM stage's
        // encoded scenes), so every kind of step is timed in the steady state a long run reaches.
        samplesPerSecond(settings, 0, warmUps + runs, (random, t) -> stage.loss(random, settings.batchSize())
                .getFloat());
        try (NDManager state = NDManager.newBaseManager()) {
            AdamW adam = new AdamW(trained, AdamW.Settings.TORCH_DEFAULTS, state);
            Ema ema = new Ema(trained, settings.emaDecay(), state);
            trained.values().forEach(parameter -> parameter.array().setRequiresGradient(true));
            UpdateStep step = new UpdateStep(stage, adam, ema, settings);
            double update = samplesPerSecond(
                    settings, warmUps, runs, (random, t) -> step.run(random, t, settings.learningRate()));
            double forwardBackward = samplesPerSecond(settings, warmUps, runs, (random, t) -> {
                step.backward(random);
                step.discardGradients();
            });
            trained.values().forEach(parameter -> parameter.array().setRequiresGradient(false));
            double forward =
                    samplesPerSecond(settings, warmUps, runs, (random, t) -> stage.loss(random, settings.batchSize())
                            .getFloat());
            return new Throughput(stage.name(), settings.batchSize(), forward, forwardBackward, update);
        }
    }

    private interface Step {
        void run(SplittableRandom random, int t);
    }

    private static double samplesPerSecond(TrainingSettings settings, int warmUps, int runs, Step step) {
        long started = 0;
        for (int t = 1; t <= warmUps + runs; t++) {
            if (t == warmUps + 1) {
                started = System.nanoTime();
            }
            try (NDScope ignored = new NDScope()) {
                step.run(new SplittableRandom(settings.seed() + t), t);
            }
        }
        return runs * (double) settings.batchSize() / ((System.nanoTime() - started) / 1e9);
    }
}
