package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on a small regression: it learns, it checkpoints, and a resumed run equals an unbroken one. */
class TrainerTest {
    private static final int STEPS = 8;

    @TempDir
    Path dir;

    @Test
    void lowersTheLossAndShipsTheMovingAverage() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression stage = new Regression(manager);
            List<Double> losses = new ArrayList<>();
            new Trainer(stage, settings(60), dir, progress -> losses.add(progress.loss())).run(false);

            assertThat(losses).hasSize(60);
            assertThat(losses.subList(50, 60).stream()
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElseThrow())
                    .isLessThan(losses.getFirst() / 4);
            assertThat(stage.shipped).as("ship() ran once, after training").isEqualTo(1);
            assertThat(stage.weight().hasGradient())
                    .as("shipped weights build no graph")
                    .isFalse();
            assertThat(Files.readAllLines(dir.resolve("loss.csv")))
                    .hasSize(61)
                    .first()
                    .isEqualTo("step,loss,learning_rate,elapsed_s");
        }
    }

    @Test
    void aRunResumedFromItsCheckpointEndsWhereAnUnbrokenRunEnds() throws IOException {
        float[] unbroken;
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression stage = new Regression(manager);
            new Trainer(stage, settings(STEPS), dir.resolve("unbroken"), progress -> {}).run(false);
            unbroken = stage.weight().toFloatArray();
        }

        Path state = dir.resolve("killed");
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingProgress.Listener killAfterThree = progress -> {
                if (progress.step() == 4) {
                    throw new IllegalStateException("killed");
                }
            };
            assertThatThrownBy(() ->
                            new Trainer(new Regression(manager), settings(STEPS), state, killAfterThree).run(false))
                    .hasMessage("killed");
        }
        float[] resumed;
        List<Integer> steps = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression stage = new Regression(manager);
            new Trainer(stage, settings(STEPS), state, progress -> steps.add(progress.step())).run(true);
            resumed = stage.weight().toFloatArray();
        }

        assertThat(steps).as("updates redone after the checkpoint of update 3").containsExactly(4, 5, 6, 7, 8);
        assertThat(resumed).containsExactly(unbroken);
        assertThat(Files.readAllLines(state.resolve("loss.csv")).stream()
                        .skip(1)
                        .map(row -> row.substring(0, row.indexOf(','))))
                .as("each update logged once")
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    }

    @Test
    void refusesToResumeACheckpointOfAnotherSeed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            new Trainer(new Regression(manager), settings(2), dir, progress -> {}).run(false);
            TrainingSettings otherSeed = new TrainingSettings(4, 4, 0.05, 1, 1.0, 0.9, Duration.ofMinutes(1), 99);
            assertThatThrownBy(() -> new Trainer(new Regression(manager), otherSeed, dir, progress -> {}).run(true))
                    .hasMessageContaining("seed 7");
        }
    }

    private static TrainingSettings settings(int steps) {
        // checkpoint after every update, so that the killed run leaves one at update 3
        return new TrainingSettings(steps, 4, 0.05, 2, 1.0, 0.9, Duration.ofNanos(1), 7);
    }

    /** Learns y = x·[1, −2, 3]ᵀ from noisy samples: a stage small enough to run in milliseconds. */
    private static final class Regression implements TrainingStage {
        private static final float[] TRUTH = {1, -2, 3};

        private final Module model = new Module() {
            final Linear linear = child("linear", new Linear(3, 1, false));
        };
        private final NDManager manager;
        int shipped;

        Regression(NDManager manager) {
            this.manager = manager;
            ParameterInit.initialise(model, manager, 1);
        }

        NDArray weight() {
            return model.namedParameters().get("linear.weight").array();
        }

        @Override
        public String name() {
            return "regression";
        }

        @Override
        public Map<String, Parameter> trained() {
            return new LinkedHashMap<>(model.namedParameters());
        }

        @Override
        public NDArray loss(SplittableRandom random, int batchSize) {
            float[] x = new float[batchSize * 3];
            float[] y = new float[batchSize];
            for (int b = 0; b < batchSize; b++) {
                for (int i = 0; i < 3; i++) {
                    x[b * 3 + i] = (float) random.nextGaussian();
                    y[b] += x[b * 3 + i] * TRUTH[i];
                }
            }
            NDArray predicted = x(manager.create(x, new Shape(batchSize, 3)));
            return predicted
                    .sub(manager.create(y, new Shape(batchSize, 1)))
                    .square()
                    .mean();
        }

        private NDArray x(NDArray input) {
            return input.matMul(weight().transpose());
        }

        @Override
        public void ship() {
            shipped++;
        }
    }
}
