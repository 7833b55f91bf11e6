package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.kiln.engine.model.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link TrainingStage}: per update, a batch's loss backpropagated under a gradient collector, the global
 * gradient norm clipped, an {@link AdamW} step on the scheduled learning rate, the {@link Ema} folded in. The state
 * is checkpointed every few minutes and at the end, the curve goes to {@code loss.csv}, and the moving average is
 * what the stage ships.
 */
public final class Trainer {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    private static final long STEP_SEED_MIX = 0x9E3779B97F4A7C15L;

    private final TrainingStage stage;
    private final TrainingSettings settings;
    private final Path stateDir;
    private final TrainingProgress.Listener listener;

    /**
     * @param stateDir where the checkpoint and loss log of this stage live
     */
    public Trainer(TrainingStage stage, TrainingSettings settings, Path stateDir, TrainingProgress.Listener listener) {
        this.stage = stage;
        this.settings = settings;
        this.stateDir = stateDir;
        this.listener = listener;
    }

    /**
     * Trains to {@code settings.steps()} updates and ships the stage.
     *
     * @param resume continue from the stage's checkpoint when there is one
     */
    public void run(boolean resume) throws IOException {
        Map<String, Parameter> trained = stage.trained();
        trained.values().forEach(parameter -> parameter.array().setRequiresGradient(true));
        TrainingCheckpoint checkpoint = new TrainingCheckpoint(stateDir);
        try (NDManager state = NDManager.newBaseManager()) {
            AdamW adam = new AdamW(trained, AdamW.Settings.TORCH_DEFAULTS, state);
            Ema ema = new Ema(trained, settings.emaDecay(), state);
            Map<String, NDArray> tensors = checkpointed(trained, adam, ema);
            int done = 0;
            Duration before = Duration.ZERO;
            if (resume) {
                var saved = checkpoint.load(state);
                if (saved.isPresent()) {
                    restore(tensors, saved.get());
                    done = saved.get().step();
                    before = saved.get().elapsed();
                    log.info("{}: resumed at update {} of {}", stage.name(), done, settings.steps());
                }
            }
            train(new UpdateStep(stage, adam, ema, settings), tensors, checkpoint, done, before);
            trained.forEach((key, parameter) -> {
                NDArray weight = parameter.array();
                weight.setRequiresGradient(false);
                weight.subi(weight).addi(ema.averages().get(key));
            });
        }
        stage.ship();
    }

    private void train(
            UpdateStep step, Map<String, NDArray> tensors, TrainingCheckpoint checkpoint, int done, Duration before)
            throws IOException {
        long started = System.nanoTime();
        long lastSave = started;
        try (LossLog losses = LossLog.open(stateDir.resolve("loss.csv"), done)) {
            for (int t = done + 1; t <= settings.steps(); t++) {
                double learningRate = settings.learningRateAt(t);
                double loss;
                try (NDScope ignored = new NDScope()) {
                    loss = step.run(new SplittableRandom(settings.seed() * STEP_SEED_MIX + t), t, learningRate);
                }
                long now = System.nanoTime();
                Duration elapsed = before.plusNanos(now - started);
                losses.append(t, loss, learningRate, elapsed.toMillis() / 1000.0);
                double stepsPerSecond = (t - done) / ((now - started) / 1e9);
                listener.onUpdate(new TrainingProgress(
                        t, settings.steps(), loss, stepsPerSecond, stepsPerSecond * settings.batchSize(), elapsed));
                if (t == settings.steps()
                        || Duration.ofNanos(now - lastSave).compareTo(settings.checkpointEvery()) >= 0) {
                    losses.flush();
                    checkpoint.save(t, settings.seed(), elapsed, tensors);
                    lastSave = now;
                }
            }
        }
    }

    /** Every array the checkpoint holds, by its name there; the same map restores them. */
    private static Map<String, NDArray> checkpointed(Map<String, Parameter> trained, AdamW adam, Ema ema) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        trained.forEach((key, parameter) -> tensors.put("param." + key, parameter.array()));
        ema.averages().forEach((key, average) -> tensors.put("ema." + key, average));
        adam.state().forEach((key, moment) -> tensors.put("adam." + key, moment));
        return tensors;
    }

    private void restore(Map<String, NDArray> tensors, TrainingCheckpoint.Saved saved) {
        if (saved.seed() != settings.seed()) {
            throw new IllegalArgumentException("the checkpoint in " + stateDir + " was trained with seed "
                    + saved.seed() + ", not " + settings.seed() + ": resume with its seed or start afresh");
        }
        tensors.forEach((name, live) -> {
            NDArray stored = saved.tensors().get(name);
            if (stored == null || !stored.getShape().equals(live.getShape())) {
                throw new IllegalArgumentException("the checkpoint in " + stateDir + " does not fit this model: " + name
                        + " missing or misshapen");
            }
            live.subi(live).addi(stored);
        });
    }
}
