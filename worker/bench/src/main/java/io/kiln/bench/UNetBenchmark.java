package io.kiln.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.unet.UNetConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times UNet forward passes with random weights in a given architecture: the cost of one denoising step, which is
 * where Stable Diffusion spends its time. Warm-up passes are timed but not counted.
 */
public final class UNetBenchmark {
    private final UNetConfig config;
    private final int latentSize;
    private final int batch;
    private final DataType dtype;

    public UNetBenchmark(UNetConfig config, int latentSize, int batch, DataType dtype) {
        if (latentSize < 8 || latentSize % (1 << config.downsamplings()) != 0) {
            throw new IllegalArgumentException("latent size must be ≥ 8 and divisible by "
                    + (1 << config.downsamplings()) + ", got " + latentSize);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be ≥ 1, got " + batch);
        }
        this.config = config;
        this.latentSize = latentSize;
        this.batch = batch;
        this.dtype = dtype;
    }

    /** Runs {@code warmUps + runs} forwards, reporting each, and returns the timed runs' durations. */
    public List<Duration> run(int warmUps, int runs, Consumer<String> report) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(config, AttentionSlicing.AUTO);
            fillRandomly(unet, manager);
            NDArray sample = manager.randomNormal(new Shape(batch, config.inChannels(), latentSize, latentSize))
                    .toType(dtype, false); // (B, 4, h, w)
            NDArray timesteps = manager.full(new Shape(batch), 500L); // (B)
            NDArray context = manager.randomNormal(new Shape(batch, 77, config.crossAttentionDim()))
                    .toType(dtype, false); // (B, 77, D)
            List<Duration> timed = new ArrayList<>();
            for (int i = 0; i < warmUps + runs; i++) {
                long start = System.nanoTime();
                unet.forward(sample, timesteps, context).close();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                boolean warmUp = i < warmUps;
                report.accept((warmUp ? "warm-up " : "run ") + (warmUp ? i + 1 : i - warmUps + 1) + ": "
                        + took.toMillis() + " ms");
                if (!warmUp) {
                    timed.add(took);
                }
            }
            return timed;
        }
    }

    /** The median of the durations. */
    public static Duration median(List<Duration> durations) {
        List<Duration> sorted = durations.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1
                ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
    }

    /** N(0, 0.02²) in every parameter: a model of the right shape, where only the arithmetic matters. */
    private void fillRandomly(Module model, NDManager manager) {
        for (Parameter parameter : model.namedParameters().values()) {
            parameter.set(manager.randomNormal(0, 0.02f, parameter.shape(), DataType.FLOAT32)
                    .toType(dtype, false));
        }
    }
}
