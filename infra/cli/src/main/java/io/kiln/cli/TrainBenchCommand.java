package io.kiln.cli;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.train.ShapesModelFolder;
import io.kiln.engine.train.ShapesRecipe;
import io.kiln.engine.train.TrainingBenchmark;
import io.kiln.engine.train.TrainingSettings;
import io.kiln.engine.train.TrainingStage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench train}: the recipe's two stages at their own batch sizes, each step timed forward only, forward
 * and backward, and as a whole update, on freshly initialised modules in a scratch folder.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Times the training steps of kiln train vae and kiln train ldm at the recipe's batch sizes: forward only,"
                    + " forward and backward, and the whole update (clipping, AdamW, EMA), in samples per second."
        })
public final class TrainBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--warmups",
            defaultValue = "2",
            paramLabel = "N",
            description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    private int warmUps;

    @Option(
            names = "--runs",
            defaultValue = "10",
            paramLabel = "N",
            description = "Timed steps of each kind (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path scratch = Files.createTempDirectory("kiln-bench-train-");
        ShapesModelFolder folder = new ShapesModelFolder(scratch.resolve("kiln-shapes"));
        try (NDManager weights = NDManager.newBaseManager()) {
            TrainingStage vae = ShapesRecipe.vaeStage(folder, ShapesRecipe.SEED, weights);
            print(out, TrainingBenchmark.measure(vae, ShapesRecipe.vaeSettings(ShapesRecipe.SEED), warmUps, runs));
            // stage 2 reads stage 1's weights from the folder; untrained ones time the same
            vae.ship();
        }
        try (NDManager weights = NDManager.newBaseManager()) {
            TrainingStage ldm = ShapesRecipe.ldmStage(folder, ShapesRecipe.SEED, weights);
            TrainingSettings settings = ShapesRecipe.ldmSettings(ShapesRecipe.SEED);
            print(out, TrainingBenchmark.measure(ldm, settings, warmUps, runs));
        } finally {
            deleteRecursively(scratch);
        }
        return ExitCode.OK;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void print(PrintWriter out, TrainingBenchmark.Throughput t) {
        out.printf(
                Locale.ROOT,
                "%s batch %d: forward %.1f samples/s, forward+backward %.1f samples/s (%.2fx the forward's time),"
                        + " whole update %.1f samples/s (%.2fx)%n",
                t.stage(),
                t.batchSize(),
                t.forward(),
                t.forwardBackward(),
                t.forward() / t.forwardBackward(),
                t.update(),
                t.forward() / t.update());
        out.flush();
    }
}
