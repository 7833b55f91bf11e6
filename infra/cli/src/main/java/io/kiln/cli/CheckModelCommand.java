package io.kiln.cli;

import io.kiln.engine.check.CheckResult;
import io.kiln.engine.check.ModelCheck;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.check.ToleranceSource;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.safetensors.SafetensorsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln check-model}: runs golden-format module vectors through a checkpoint and prints, per output tensor,
 * the max abs error, the tolerance and PASS or FAIL. The comparison is {@link ModelCheck}'s; this parses and prints.
 */
@Command(
        name = "check-model",
        mixinStandardHelpOptions = true,
        description = {
            "Runs module vectors in the golden format through a model and compares every output with the reference:"
                    + " pass if |actual - ref| <= atol + rtol*|ref| at every element.",
            "DIR may hold unet.safetensors, vae_decode.safetensors, vae_encode.safetensors and"
                    + " text_encoder.safetensors. Tolerances: --atol and --rtol if given; else those of the"
                    + " golden-format manifest.json in DIR or the nearest folder above it; else atol 1e-4, rtol 1e-4."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every output passes",
            "1:an output fails",
            "2:bad arguments, or the model or the vectors cannot be read"
        })
public final class CheckModelCommand implements Callable<Integer> {
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArguments model;

    @Option(
            names = "--vectors",
            required = true,
            paramLabel = "DIR",
            description = "The folder of vector files, for example golden/vectors/sd-mini.")
    private Path vectors;

    @Option(
            names = "--text-encoder-heads",
            paramLabel = "N",
            description = "The text encoder's head count, for a single-file checkpoint whose text width is no"
                    + " multiple of CLIP's 64-wide heads (neither its weights nor its yaml record it).")
    private Integer textEncoderHeads;

    @ArgGroup(exclusive = false)
    private GivenTolerance given;

    @Option(
            names = "--device",
            defaultValue = "cpu",
            paramLabel = "DEVICE",
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    private String device;

    @Option(
            names = "--dtype",
            defaultValue = "float32",
            paramLabel = "TYPE",
            description = "float32 or float16 (default: ${DEFAULT-VALUE}).")
    private String dtype;

    /** Both bounds or neither: half a tolerance from the command line and half from a manifest would mislead. */
    static final class GivenTolerance {
        @Option(names = "--atol", required = true, paramLabel = "X", description = "Absolute tolerance.")
        private double atol;

        @Option(names = "--rtol", required = true, paramLabel = "Y", description = "Relative tolerance.")
        private double rtol;
    }

    @Override
    public Integer call() {
        if (!Files.isDirectory(vectors)) {
            throw model.invalid("--vectors: no such folder: " + vectors);
        }
        ModelOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        try {
            // Before the model loads, which takes long for a real checkpoint: the folder and manifest may be bad.
            ModelCheck check = ModelCheck.of(vectors, tolerances());
            try (StableDiffusionModel loaded = load(options)) {
                out.println("model " + loaded.name() + " (" + dtype + " on " + device + "), vectors " + vectors);
                List<CheckResult> results = check.run(loaded, result -> out.println(result.line()));
                long failed =
                        results.stream().filter(result -> !result.passed()).count();
                out.println(results.size() + " outputs: " + (failed == 0 ? "all pass" : failed + " FAIL"));
                return failed == 0 ? PASSED : FAILED;
            }
        } catch (IOException
                | UncheckedIOException
                | CheckpointException
                | SafetensorsException
                | IllegalArgumentException e) {
            spec.commandLine().getErr().println("kiln check-model: " + e.getMessage());
            return INVALID;
        }
    }

    private ToleranceSource tolerances() {
        if (given == null) {
            return ToleranceSource.nearestManifest(vectors);
        }
        try {
            return ToleranceSource.fixed(new Tolerance(given.atol, given.rtol, "--atol/--rtol"));
        } catch (IllegalArgumentException e) {
            throw model.invalid("--" + e.getMessage());
        }
    }

    private ModelOptions options() {
        try {
            return ModelOptions.parse(device, dtype);
        } catch (IllegalArgumentException e) {
            throw model.invalid("--" + e.getMessage());
        }
    }

    private StableDiffusionModel load(ModelOptions options) throws IOException {
        Path checkpoint = model.model();
        Path tokenizerDir = model.tokenizerDir();
        if (model.isSingleFile()) {
            return ModelLoader.loadSingleFile(checkpoint, tokenizerDir, textEncoderHeads(), options);
        }
        if (textEncoderHeads != null) {
            throw model.invalid("--text-encoder-heads: only for a single-file checkpoint; " + checkpoint
                    + "/text_encoder/config.json records the heads");
        }
        return ModelLoader.load(checkpoint, Optional.of(tokenizerDir), options);
    }

    private OptionalInt textEncoderHeads() {
        if (textEncoderHeads == null) {
            return OptionalInt.empty();
        }
        if (textEncoderHeads < 1) {
            throw model.invalid("--text-encoder-heads: must be ≥ 1, got " + textEncoderHeads);
        }
        return OptionalInt.of(textEncoderHeads);
    }
}
