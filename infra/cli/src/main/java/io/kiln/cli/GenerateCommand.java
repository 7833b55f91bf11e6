package io.kiln.cli;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.InvalidRequestException;
import io.kiln.contracts.SeedSource;
import io.kiln.contracts.Violation;
import io.kiln.engine.image.InitImage;
import io.kiln.engine.image.ModelHash;
import io.kiln.engine.image.PngWriter;
import io.kiln.engine.image.UnreadableImageException;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.Img2img;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.jobs.JobResolver;
import io.kiln.jobs.Resolution;
import io.kiln.jobs.ResolvedJob;
import io.kiln.jobs.ServedModel;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** The option that sets each request field, for errors in the command line's own terms. */
    private static final Map<String, String> OPTIONS = Map.of(
            "prompt", "--prompt",
            "negative_prompt", "--negative-prompt",
            "width", "--width",
            "height", "--height",
            "num_inference_steps", "--steps",
            "guidance_scale", "--guidance",
            "sampler", "--sampler",
            "eta", "--eta",
            "seed", "--seed",
            "num_images", "--num-images");

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Mixin
    private SamplingArguments sampling;

    @Option(names = "--prompt", required = true, description = "What to draw.")
    private String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "What to steer away from.")
    private String negativePrompt;

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

    @Option(
            names = "--num-images",
            defaultValue = "" + GenerationRequest.DEFAULT_NUM_IMAGES,
            description = "Images, 1..8 (default: ${DEFAULT-VALUE}).")
    private int numImages;

    @Option(names = "--init-image", paramLabel = "PNG", description = "Start from this PNG or JPEG image (img2img).")
    private Path initImage;

    @Option(
            names = "--strength",
            description = "With --init-image: how much of the schedule img2img runs, (0, 1] (default: "
                    + GenerationRequest.DEFAULT_STRENGTH + ").")
    private Double strength;

    @Option(
            names = "--out",
            defaultValue = "kiln.png",
            description =
                    "The PNG to write; several images get -0, -1, … before the extension (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        GenerationRequest request = request();
        PrintWriter console = spec.commandLine().getOut();
        try (StableDiffusionModel sd = load()) {
            GenerationJob job = job(resolve(request, sd), console);
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

    /**
     * The options as a job request, checked by the contract's own rules, every broken one reported under its option's
     * name.
     */
    private GenerationRequest request() {
        List<String> problems = new ArrayList<>();
        if (initImage != null && !Files.isRegularFile(initImage)) {
            problems.add("--init-image: no such file: " + initImage);
        }
        // The contract checks strength only on img2img requests, whose init image is in S3; this one's is a file.
        if (strength != null && initImage == null) {
            problems.add("--strength: is only allowed with --init-image");
        } else if (strength != null && !GenerationRequest.isStrength(strength)) {
            problems.add("--strength: " + GenerationRequest.STRENGTH_RULE);
        }
        GenerationRequest request = null;
        try {
            request = sampling.applyTo(GenerationRequest.builder())
                    .jobId("cli")
                    .prompt(prompt)
                    .negativePrompt(negativePrompt)
                    .width(width)
                    .height(height)
                    .eta(eta)
                    .seed(seed != null ? seed : SeedSource.secureRandom().nextSeed())
                    .numImages(numImages)
                    .build();
        } catch (InvalidRequestException e) {
            e.violations().forEach(violation -> problems.add(asOption(violation)));
        }
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join("; ", problems));
        }
        return request;
    }

    /** {@code num_inference_steps: must be …} as {@code --steps: must be …}. */
    private static String asOption(Violation violation) {
        String option = OPTIONS.getOrDefault(violation.field(), violation.field());
        return option + ": " + violation.rule();
    }

    private ResolvedJob resolve(GenerationRequest request, StableDiffusionModel sd) {
        return switch (new JobResolver(ServedModel.of(sd.name(), sd)).resolve(request)) {
            case Resolution.Resolved resolved -> resolved.job();
            case Resolution.Refused refused ->
                throw new ParameterException(spec.commandLine(), asOption(refused.violation()));
        };
    }

    private StableDiffusionModel load() throws IOException {
        Optional<Path> tokenizer = model.isSingleFile() ? Optional.of(model.tokenizerDir()) : Optional.empty();
        return ModelLoader.load(model.model(), tokenizer, ModelOptions.cpu());
    }

    private GenerationJob job(ResolvedJob resolved, PrintWriter console) throws IOException {
        if (initImage == null) {
            return resolved.txt2img();
        }
        InitImage init;
        try {
            init = InitImage.prepare(
                    Files.readAllBytes(initImage),
                    resolved.size().width(),
                    resolved.size().height());
        } catch (UnreadableImageException e) {
            throw new ParameterException(spec.commandLine(), "--init-image: " + initImage + ": " + e.getMessage());
        }
        init.note().ifPresent(note -> console.println("note: " + note));
        double share = strength != null ? strength : GenerationRequest.DEFAULT_STRENGTH;
        return resolved.img2img(new Img2img(init.image(), share));
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
