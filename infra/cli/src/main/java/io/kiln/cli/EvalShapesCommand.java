package io.kiln.cli;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.InvalidRequestException;
import io.kiln.engine.image.ModelHash;
import io.kiln.engine.image.PngWriter;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.engine.train.ShapesRecipe;
import io.kiln.engine.train.shapes.CaptionParser;
import io.kiln.engine.train.shapes.ContactSheet;
import io.kiln.engine.train.shapes.Example;
import io.kiln.engine.train.shapes.Expectation;
import io.kiln.engine.train.shapes.Judgement;
import io.kiln.engine.train.shapes.SceneAnalyzer;
import io.kiln.engine.train.shapes.ShapesScore;
import io.kiln.jobs.JobResolver;
import io.kiln.jobs.Resolution;
import io.kiln.jobs.ResolvedJob;
import io.kiln.jobs.ServedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kiln eval-shapes}: how well a model of the shapes world draws what its prompts ask for (issue #18). Each
 * prompt is generated with a fixed seed, {@link SceneAnalyzer} judges the image, and {@link ShapesScore} scores each
 * attribute over the prompts that state it. The accuracy is a measurement, not a verdict: the command succeeds
 * whatever it is.
 */
@Command(
        name = "eval-shapes",
        mixinStandardHelpOptions = true,
        description = {
            "Generates shapes-world prompts with fixed seeds, judges each image's shape, colour, background and"
                    + " placement with a deterministic analyzer, and prints each attribute's accuracy over the prompts"
                    + " that state it, then the overall figure.",
            "Writes each image as NNN.png, a contact sheet of them all as contact-sheet.png, and report.json to --out."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the model was measured, whatever its accuracy", "2:bad arguments, model or prompts file"})
final class EvalShapesCommand implements Callable<Integer> {
    /** Images denoised together: all prompts share one size and schedule, so any number batch; this bounds memory. */
    private static final int BATCH = 8;

    private static final int CONTACT_SHEET_COLUMNS = 8;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Mixin
    private SamplingArguments sampling;

    @Option(
            names = "--prompts",
            paramLabel = "FILE",
            description = "A JSON array of prompts (default: the built-in held-out set, combinations the model never"
                    + " saw in training).")
    private Path promptsFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the images and report go.")
    private Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the first prompt; prompt i uses seed + i (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N prompts.")
    private Integer limit;

    @Override
    public Integer call() throws IOException {
        List<String> prompts = prompts();
        PrintWriter console = spec.commandLine().getOut();
        Files.createDirectories(out);
        try (StableDiffusionModel sd = load()) {
            List<ResolvedJob> jobs = resolve(prompts, sd);
            List<GeneratedImage> images = generate(jobs, sd);
            String hash = ModelHash.of(model.model());
            ShapesScore score = new ShapesScore();
            List<EvalReport.Judged> judged = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                GeneratedImage image = images.get(i);
                GenerationJob job = jobs.get(i).txt2img();
                String file = String.format(Locale.ROOT, "%03d.png", i);
                Files.write(
                        out.resolve(file),
                        PngWriter.encode(image.image(), job.parameters(image.seed(), sd.name(), hash)));
                Expectation expected = CaptionParser.parse(prompts.get(i));
                Judgement judgement = SceneAnalyzer.judge(image.image());
                score.add(expected, judgement);
                judged.add(EvalReport.Judged.of(prompts.get(i), image.seed(), file, judgement, expected));
            }
            ResolvedJob first = jobs.getFirst();
            var report = EvalReport.of(
                    model.model().toString(),
                    first.sampling().sampler(),
                    first.sampling().steps(),
                    sampling.guidance(),
                    seed,
                    score,
                    judged);
            Files.writeString(
                    out.resolve("report.json"),
                    JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            RgbImage sheet =
                    ContactSheet.of(images.stream().map(GeneratedImage::image).toList(), CONTACT_SHEET_COLUMNS);
            ImageIO.write(
                    sheet.toBufferedImage(),
                    "png",
                    out.resolve("contact-sheet.png").toFile());

            console.printf(
                    "%s, %s, %d steps, guidance %s, seeds %d..%d%n",
                    sd.name(), report.sampler(), report.steps(), sampling.guidance(), seed, seed + prompts.size() - 1);
            console.print(score.report());
            console.println("overall " + EvalReport.percent(score.overallAccuracy()));
            console.println("wrote " + out.resolve("contact-sheet.png") + " and " + out.resolve("report.json"));
        }
        return ExitCode.OK;
    }

    /** {@code --prompts}' or the held-out set's, the first {@code --limit} of them. */
    private List<String> prompts() {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit: must be at least 1, was " + limit);
        }
        List<String> prompts;
        if (promptsFile == null) {
            prompts = ShapesRecipe.world().heldOutPrompts().stream()
                    .map(Example::caption)
                    .toList();
        } else {
            try {
                prompts = PromptsFile.read(promptsFile);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--prompts: " + e.getMessage());
            }
            if (prompts.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--prompts: " + promptsFile + ": holds no prompt");
            }
        }
        return limit == null ? prompts : prompts.subList(0, Math.min(limit, prompts.size()));
    }

    private StableDiffusionModel load() throws IOException {
        Optional<Path> tokenizer = model.isSingleFile() ? Optional.of(model.tokenizerDir()) : Optional.empty();
        return ModelLoader.load(model.model(), tokenizer, ModelOptions.cpu());
    }

    /** Each prompt as a one-image job at the model's native size, resolved by the rules every job follows. */
    private List<ResolvedJob> resolve(List<String> prompts, StableDiffusionModel sd) {
        var resolver = new JobResolver(ServedModel.of(sd.name(), sd));
        List<ResolvedJob> jobs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            GenerationRequest request;
            try {
                request = sampling.applyTo(GenerationRequest.builder())
                        .jobId(String.format(Locale.ROOT, "eval-%03d", i))
                        .prompt(prompts.get(i))
                        .seed(seed + i)
                        .build();
            } catch (InvalidRequestException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            jobs.add(
                    switch (resolver.resolve(request)) {
                        case Resolution.Resolved resolved -> resolved.job();
                        case Resolution.Refused refused ->
                            throw new ParameterException(
                                    spec.commandLine(),
                                    refused.violation().field() + ": "
                                            + refused.violation().rule());
                    });
        }
        return jobs;
    }

    /** One image a job, in the jobs' order, {@link #BATCH} jobs through the pipeline at a time. */
    private List<GeneratedImage> generate(List<ResolvedJob> jobs, StableDiffusionModel sd) {
        var pipeline = new StableDiffusionPipeline(sd, new SeededNoise());
        PrintWriter err = spec.commandLine().getErr();
        List<GeneratedImage> images = new ArrayList<>(jobs.size());
        for (int from = 0; from < jobs.size(); from += BATCH) {
            List<GenerationJob> batch = jobs.subList(from, Math.min(from + BATCH, jobs.size())).stream()
                    .map(ResolvedJob::txt2img)
                    .toList();
            for (JobResult result : pipeline.generate(batch, ProgressListener.NONE)) {
                images.add(result.images().getFirst());
            }
            err.printf("generated %d/%d%n", images.size(), jobs.size());
            err.flush();
        }
        return images;
    }
}
