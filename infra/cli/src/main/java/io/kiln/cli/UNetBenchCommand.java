package io.kiln.cli;

import ai.djl.ndarray.types.DataType;
import io.kiln.bench.UNetBenchmark;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.unet.UNetConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;

/**
 * {@code kiln bench unet}: the time of one UNet forward pass (one denoising step) with random weights in a given
 * architecture, the median of several runs after warm-ups.
 */
@Command(
        name = "unet",
        mixinStandardHelpOptions = true,
        description = {
            "Times UNet forward passes with random weights: the cost of one denoising step. Prints every pass, then"
                    + " the median of the timed ones as median_ms=<milliseconds>.",
            "Warm-up passes let libtorch allocate and pick kernels; they are printed but not counted."
        })
public final class UNetBenchCommand implements Callable<Integer> {
    /** The architecture {@code --config} names without a file. */
    static final String SD15 = "sd15";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "NAME|FILE",
            description = "sd15 (Stable Diffusion 1.5's UNet, 860 M parameters) or a diffusers unet/config.json.")
    private String config;

    @Option(
            names = "--latent",
            required = true,
            paramLabel = "SIZE",
            description = "Latent height and width: 64 for 512x512 images in SD 1.5.")
    private int latent;

    @Option(
            names = "--batch",
            required = true,
            paramLabel = "N",
            description = "Latents per pass: 2 for one image with classifier-free guidance.")
    private int batch;

    @Option(
            names = "--warmups",
            defaultValue = "1",
            paramLabel = "N",
            description = "Passes first, printed but left out of the median (default: ${DEFAULT-VALUE}).")
    private int warmUps;

    @Option(
            names = "--runs",
            defaultValue = "5",
            paramLabel = "N",
            description = "Timed passes (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(
            names = "--dtype",
            defaultValue = "float32",
            paramLabel = "TYPE",
            description = "float32 or float16 (default: ${DEFAULT-VALUE}).")
    private String dtype;

    @Override
    public Integer call() {
        if (warmUps < 0) {
            throw invalid("--warmups: must be ≥ 0, got " + warmUps);
        }
        if (runs < 1) {
            throw invalid("--runs: must be ≥ 1, got " + runs);
        }
        UNetBenchmark benchmark;
        try {
            benchmark = new UNetBenchmark(unetConfig(), latent, batch, dataType());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "unet %s, batch %d, latents %dx%d, %s, warm-ups %d, runs %d%n",
                config,
                batch,
                latent,
                latent,
                dtype,
                warmUps,
                runs);
        List<Duration> timed = benchmark.run(warmUps, runs, out::println);
        out.printf(Locale.ROOT, "median_ms=%.1f%n", UNetBenchmark.median(timed).toNanos() / 1e6);
        return ExitCode.OK;
    }

    private UNetConfig unetConfig() {
        if (config.equals(SD15)) {
            return UNetConfig.sd15();
        }
        Path file = Path.of(config);
        if (!Files.isRegularFile(file)) {
            throw invalid("--config: neither " + SD15 + " nor an existing config.json: " + config);
        }
        try {
            return UNetConfig.read(file);
        } catch (IOException e) {
            throw invalid("--config: cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException | JacksonException e) {
            throw invalid("--config: " + file + ": " + e.getMessage());
        }
    }

    private DataType dataType() {
        try {
            return ModelOptions.parse("cpu", dtype).dtype();
        } catch (IllegalArgumentException e) {
            throw invalid("--" + e.getMessage());
        }
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
