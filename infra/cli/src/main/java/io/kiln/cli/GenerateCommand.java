package io.kiln.cli;

import io.kiln.contracts.SeedSource;
import io.kiln.engine.image.InitImage;
import io.kiln.engine.image.ModelHash;
import io.kiln.engine.image.PngWriter;
import io.kiln.engine.image.UnreadableImageException;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.engine.sampling.Sampler;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln generate}: one job through the pipeline on this machine, the images written as PNG files. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generates images from a prompt (txt2img), or from a prompt and an image (img2img), and writes"
                + " them as PNG files carrying their generation parameters.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Option(names = "--prompt", required = true, description = "What to draw.")
    private String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "What to steer away from.")
    private String negativePrompt;

    @Option(
            names = "--steps",
            defaultValue = "50",
            description = "Denoising steps, 1..200 (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(
            names = "--guidance",
            defaultValue = "7.5",
            description = "Guidance scale, 0..30 (default: ${DEFAULT-VALUE}).")
    private double guidance;

    @Option(
            names = "--sampler",
            description = "ddim, plms, ddpm, euler, euler_ancestral or dpmpp_2m (default: the model's own, plms for"
                    + " SD 1.5).")
    private String sampler;

    @Option(names = "--eta", defaultValue = "0", description = "DDIM's η, 0..1 (default: ${DEFAULT-VALUE}).")
    private double eta;

    @Option(
            names = "--seed",
            description = "Seed of the first image; image k uses seed + k (default: random, printed).")
    private Long seed;

    @Option(names = "--width", description = "Multiple of 8 (default: the model's native size).")
    private Integer width;

    @Option(names = "--height", description = "Multiple of 8 (default: the model's native size).")
    private Integer height;

    @Option(names = "--num-images", defaultValue = "1", description = "Images, 1..8 (default: ${DEFAULT-VALUE}).")
    private int numImages;

    @Option(names = "--init-image", paramLabel = "PNG", description = "Start from this PNG or JPEG image (img2img).")
    private Path initImage;

    @Option(
            names = "--strength",
            defaultValue = "0.8",
            description = "How much of the schedule img2img runs, (0, 1] (default: ${DEFAULT-VALUE}).")
    private double strength;

    @Option(
            names = "--out",
            defaultValue = "kiln.png",
            description =
                    "The PNG to write; several images get -0, -1, … before the extension (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        checkArguments();
        PrintWriter console = spec.commandLine().getOut();
        try (StableDiffusionModel sd = load()) {
            GenerationJob job = job(sd, console);
            var pipeline = new StableDiffusionPipeline(sd, new SeededNoise());
            JobResult result = pipeline.generate(List.of(job), progress()).getFirst();
            if (result.promptTruncated()) {
                console.println("note: the prompt or negative prompt is longer than CLIP's 75 tokens; the rest was"
                        + " ignored");
            }
            String hash = ModelHash.of(model.model());
            List<GeneratedImage> images = result.images();
            for (int k = 0; k < images.size(); k++) {
                GeneratedImage image = images.get(k);
                Path file = images.size() == 1 ? out : numbered(out, k);
                var parameters = job.parameters(image.seed(), sd.name(), hash);
                Files.write(file, PngWriter.encode(image.image(), parameters));
                console.printf("wrote %s (seed %d)%n", file, image.seed());
            }
        }
        return ExitCode.OK;
    }

    private void checkArguments() {
        List<String> bad = new ArrayList<>();
        if (steps < 1 || steps > 200) {
            bad.add("--steps: must be within 1..200, got " + steps);
        }
        if (!(guidance >= 0 && guidance <= 30)) {
            bad.add("--guidance: must be within 0..30, got " + guidance);
        }
        if (numImages < 1 || numImages > 8) {
            bad.add("--num-images: must be within 1..8, got " + numImages);
        }
        checkSide("--width", width, bad);
        checkSide("--height", height, bad);
        if (!(eta >= 0 && eta <= 1)) {
            bad.add("--eta: must be within 0..1, got " + eta);
        }
        if (!(strength > 0 && strength <= 1)) {
            bad.add("--strength: must be within (0, 1], got " + strength);
        }
        if (initImage != null && !Files.isRegularFile(initImage)) {
            bad.add("--init-image: no such file: " + initImage);
        }
        if (seed != null && seed < 0) {
            bad.add("--seed: must be ≥ 0, got " + seed);
        }
        if (!bad.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", bad));
        }
    }

    private static void checkSide(String option, Integer side, List<String> bad) {
        if (side != null && (side % 8 != 0 || side < 64 || side > 2048)) {
            bad.add(option + ": must be a multiple of 8 within 64..2048, got " + side);
        }
    }

    private StableDiffusionModel load() throws IOException {
        Optional<Path> tokenizer = model.isSingleFile() ? Optional.of(model.tokenizerDir()) : Optional.empty();
        return ModelLoader.load(model.model(), tokenizer, ModelOptions.cpu());
    }

    private GenerationJob job(StableDiffusionModel sd, PrintWriter console) throws IOException {
        int w = width != null ? width : sd.nativeImageSize();
        int h = height != null ? height : sd.nativeImageSize();
        Sampler chosen;
        try {
            chosen = sampler == null ? sd.defaultSampler() : Sampler.fromRequestName(sampler);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sampler: " + e.getMessage());
        }
        if (eta != 0 && chosen != Sampler.DDIM) {
            throw new ParameterException(
                    spec.commandLine(), "--eta: applies to ddim only, not " + chosen.requestName());
        }
        long first = seed != null ? seed : SeedSource.secureRandom().nextSeed();
        GenerationJob job = GenerationJob.txt2img(
                "cli", prompt, negativePrompt, w, h, steps, guidance, chosen, eta, first, numImages);
        if (initImage == null) {
            return job;
        }
        try {
            InitImage init = InitImage.prepare(Files.readAllBytes(initImage), w, h);
            init.note().ifPresent(note -> console.println("note: " + note));
            return job.withInitImage(init.image(), strength);
        } catch (UnreadableImageException e) {
            throw new ParameterException(spec.commandLine(), "--init-image: " + initImage + ": " + e.getMessage());
        }
    }

    /** A bar redrawn in place on a terminal; one line a step where the output is a file or a pipe. */
    private ProgressListener progress() {
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = onTerminal();
        return (jobId, step, total) -> {
            if (terminal) {
                int filled = step * 30 / total;
                err.printf("\r[%s%s] %d/%d", "#".repeat(filled), " ".repeat(30 - filled), step, total);
                if (step == total) {
                    err.println();
                }
            } else {
                err.printf("step %d/%d%n", step, total);
            }
            err.flush();
        };
    }

    /**
     * Whether standard output is a terminal. JDK 21 has a console only on one; from JDK 22 on a console may exist
     * anyway and {@code isTerminal()}, which the Java 21 API lacks, tells.
     */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** {@code out.png} → {@code out-k.png}. */
    private static Path numbered(Path file, int k) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot < 0 ? name + "-" + k : name.substring(0, dot) + "-" + k + name.substring(dot);
        return file.resolveSibling(numbered);
    }
}
