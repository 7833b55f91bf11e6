package io.kiln.cli;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.train.ShapesModelFolder;
import io.kiln.engine.train.ShapesRecipe;
import io.kiln.engine.train.TimestepWeighting;
import io.kiln.engine.train.Trainer;
import io.kiln.engine.train.TrainingProgress;
import io.kiln.engine.train.TrainingSettings;
import io.kiln.engine.train.TrainingStage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** One stage of {@code kiln train}: its options, the trainer run and the progress bar. */
abstract class TrainStageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to train into.")
    Path out;

    @Option(
            names = "--state",
            paramLabel = "DIR",
            description = "Where checkpoints and loss.csv go (default: DIR-training beside the model folder).")
    Path state;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "Optimiser updates in the whole run (default: the recipe's).")
    Integer steps;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            description = "Examples per update (default: the recipe's); for experiments, the recipe fixes it.")
    Integer batchSize;

    @Option(
            names = "--learning-rate",
            paramLabel = "X",
            description = "Peak learning rate (default: the recipe's); for experiments, the recipe fixes it.")
    Double learningRate;

    @Option(names = "--resume", description = "Continue from the stage's last checkpoint instead of starting afresh.")
    boolean resume;

    @Option(
            names = "--seed",
            defaultValue = "" + ShapesRecipe.SEED,
            paramLabel = "N",
            description = "Fixes the initial weights and every draw (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The stage on a fresh module tree. */
    abstract TrainingStage stage(ShapesModelFolder folder, NDManager weights) throws IOException;

    /** The recipe's settings for this stage with {@code seed}. */
    abstract TrainingSettings recipe(long seed);

    @Override
    public Integer call() throws IOException {
        TrainingSettings recipe = recipe(seed);
        TrainingSettings settings;
        try {
            settings = new TrainingSettings(
                    steps != null ? steps : recipe.steps(),
                    batchSize != null ? batchSize : recipe.batchSize(),
                    learningRate != null ? learningRate : recipe.learningRate(),
                    recipe.warmupSteps(),
                    recipe.clipNorm(),
                    recipe.emaDecay(),
                    recipe.checkpointEvery(),
                    seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ShapesModelFolder folder = new ShapesModelFolder(out);
        try (NDManager weights = NDManager.newBaseManager()) {
            TrainingStage stage = stage(folder, weights);
            Path stateDir =
                    (state != null ? state : out.resolveSibling(out.getFileName() + "-training")).resolve(stage.name());
            PrintWriter err = spec.commandLine().getErr();
            new Trainer(stage, settings, stateDir, new ProgressBar(err)).run(resume);
            err.println();
            spec.commandLine().getOut().println(out);
        }
        return ExitCode.OK;
    }

    @Command(name = "vae", mixinStandardHelpOptions = true, description = "Stage 1: the KL autoencoder.")
    static final class Vae extends TrainStageCommand {
        @Override
        TrainingStage stage(ShapesModelFolder folder, NDManager weights) throws IOException {
            return ShapesRecipe.vaeStage(folder, seed, weights);
        }

        @Override
        TrainingSettings recipe(long seed) {
            return ShapesRecipe.vaeSettings(seed);
        }
    }

    @Command(
            name = "ldm",
            mixinStandardHelpOptions = true,
            description = "Stage 2: the UNet and the text encoder, jointly, on the stage-1 autoencoder's latents.")
    static final class Ldm extends TrainStageCommand {
        @Option(
                names = "--weighting",
                paramLabel = "W",
                description = "What each timestep's ε-error weighs: ${COMPLETION-CANDIDATES} (default: the recipe's,"
                        + " ${DEFAULT-VALUE}); for experiments.")
        TimestepWeighting weighting = ShapesRecipe.LDM_WEIGHTING;

        @Override
        TrainingStage stage(ShapesModelFolder folder, NDManager weights) throws IOException {
            return ShapesRecipe.ldmStage(folder, weighting, seed, weights);
        }

        @Override
        TrainingSettings recipe(long seed) {
            return ShapesRecipe.ldmSettings(seed);
        }
    }

    /** One line redrawn in place: a bar, the update, the loss, samples per second, elapsed time and what is left. */
    static final class ProgressBar implements TrainingProgress.Listener {
        private static final int WIDTH = 30;
        private static final long REDRAW_NANOS = 500_000_000L;

        private final PrintWriter err;
        private long lastDraw;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void onUpdate(TrainingProgress p) {
            long now = System.nanoTime();
            if (p.step() != p.steps() && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            int filled = (int) ((long) WIDTH * p.step() / p.steps());
            Duration left = Duration.ofSeconds((long) ((p.steps() - p.step()) / p.stepsPerSecond()));
            err.printf(
                    "\r[%s%s] %d/%d  loss %.4f  %.2f steps/s  %.1f samples/s  %s elapsed  %s left ",
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    p.step(),
                    p.steps(),
                    p.loss(),
                    p.stepsPerSecond(),
                    p.samplesPerSecond(),
                    clock(p.elapsed()),
                    clock(left));
            err.flush();
        }

        private static String clock(Duration d) {
            return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
        }
    }
}
