package io.kiln.bench;

import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.Prompt;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Times whole generations, prompt to pixels, for a series of batch sizes in one run: micro-batching's gain is the
 * images per second at batch B over those at batch 1, measured side by side on the same warm model.
 */
public final class PipelineBenchmark {
    private final StableDiffusionModel model;
    private final ImageSize size;
    private final Sampling sampling;

    public PipelineBenchmark(StableDiffusionModel model, ImageSize size, Sampling sampling) {
        this.model = model;
        this.size = size;
        this.sampling = sampling;
    }

    /** One batch size's result: the median time of a batch and the images per second it gives. */
    public record Result(int batch, Duration median) {
        public double imagesPerSecond() {
            return batch / (median.toNanos() / 1e9);
        }
    }

    /** Runs {@code runs} timed batches (after one warm-up) of each size, B jobs of one image each. */
    public List<Result> run(List<Integer> batches, int runs, Consumer<String> report) {
        StableDiffusionPipeline pipeline = new StableDiffusionPipeline(model, new SeededNoise());
        pipeline.generate(jobs(1), ProgressListener.NONE);
        List<Result> results = new ArrayList<>();
        for (int batch : batches) {
            List<GenerationJob> jobs = jobs(batch);
            pipeline.generate(jobs, ProgressListener.NONE);
            List<Duration> timed = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                pipeline.generate(jobs, ProgressListener.NONE);
                timed.add(Duration.ofNanos(System.nanoTime() - start));
            }
            Result result = new Result(batch, UNetBenchmark.median(timed));
            report.accept(String.format(
                    "batch %d: median %d ms, %.2f images/s",
                    batch, result.median().toMillis(), result.imagesPerSecond()));
            results.add(result);
        }
        return results;
    }

    /** B different jobs, as a worker's micro-batch holds: own prompt, seed and guidance each. */
    private List<GenerationJob> jobs(int batch) {
        return IntStream.range(0, batch)
                .mapToObj(i -> GenerationJob.txt2img(
                        "bench-" + i,
                        new Prompt(
                                "a photograph of an astronaut riding a horse, variation " + i,
                                "blurry, low quality, watermark",
                                7.5 + i % 3),
                        size,
                        sampling,
                        1000 + i,
                        1))
                .toList();
    }
}
