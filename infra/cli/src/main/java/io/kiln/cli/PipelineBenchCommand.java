package io.kiln.cli;

import io.kiln.bench.PipelineBenchmark;
import io.kiln.contracts.Sampler;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.jobs.EngineSamplers;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench pipeline}: whole generations, prompt to pixels, at several batch sizes in one run, so the images
 * per second of each size compare side by side.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = {
            "Times whole generations (prompt to pixels) of B different one-image jobs per batch, for each batch size,"
                    + " after a warm-up; prints the median batch time and images per second of each.",
            "The last line, gain=<x>, is the largest batch's images per second over batch 1's."
        })
public final class PipelineBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Option(
            names = "--size",
            defaultValue = "64",
            paramLabel = "PX",
            description = "Image side (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(
            names = "--steps",
            defaultValue = "20",
            paramLabel = "N",
            description = "Denoising steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(
            names = "--sampler",
            defaultValue = "ddim",
            paramLabel = "NAME",
            converter = SamplerName.class,
            description = "ddim, plms, ddpm, euler, euler_ancestral or dpmpp_2m (default: ${DEFAULT-VALUE}).")
    private Sampler sampler;

    @Option(
            names = "--batches",
            defaultValue = "1,2,4,8",
            split = ",",
            paramLabel = "B,…",
            description = "Batch sizes, in order (default: ${DEFAULT-VALUE}).")
    private List<Integer> batches;

    @Option(
            names = "--runs",
            defaultValue = "3",
            paramLabel = "N",
            description = "Timed batches per size (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Override
    public Integer call() throws IOException {
        if (runs < 1) {
            throw model.invalid("--runs: must be ≥ 1, got " + runs);
        }
        if (batches.stream().anyMatch(b -> b < 1)) {
            throw model.invalid("--batches: every size must be ≥ 1, got " + batches);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StableDiffusionModel sd = load()) {
            out.printf(
                    Locale.ROOT,
                    "pipeline %s, %dx%d, %d %s steps, batches %s, runs %d%n",
                    sd.name(),
                    size,
                    size,
                    steps,
                    sampler.wireName(),
                    batches,
                    runs);
            List<PipelineBenchmark.Result> results = new PipelineBenchmark(
                            sd, ImageSize.square(size), new Sampling(EngineSamplers.of(sampler), steps, 0))
                    .run(batches, runs, out::println);
            double gain =
                    results.getLast().imagesPerSecond() / results.getFirst().imagesPerSecond();
            out.printf(Locale.ROOT, "gain=%.2f%n", gain);
        }
        return ExitCode.OK;
    }

    private StableDiffusionModel load() throws IOException {
        Optional<java.nio.file.Path> tokenizer =
                model.isSingleFile() ? Optional.of(model.tokenizerDir()) : Optional.empty();
        return ModelLoader.load(model.model(), tokenizer, ModelOptions.cpu());
    }
}
