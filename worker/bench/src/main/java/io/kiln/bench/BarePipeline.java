package io.kiln.bench;

import io.kiln.contracts.GenerationRequest;
import io.kiln.engine.image.ModelHash;
import io.kiln.engine.image.PngWriter;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.jobs.JobResolver;
import io.kiln.jobs.Resolution;
import io.kiln.jobs.ServedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The pipeline alone, on its own copy of the model, with the PNG encoding the worker does after it. */
final class BarePipeline implements AutoCloseable {
    /** Runs on a thread of its own name, which its OpenMP threads inherit, so its CPU time can be told apart. */
    static final String THREAD = "kiln-bare";

    /** Times of a bare run: the pipeline's, and the PNG encoding's apart. */
    record Times(Duration generate, Duration png) {}

    private final ExecutorService thread =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name(THREAD).factory());
    private final StableDiffusionModel model;
    private final StableDiffusionPipeline pipeline;
    private final String modelName;
    private final String modelHash;
    private final JobResolver resolver;

    BarePipeline(Path modelPath, String modelName) throws IOException {
        this.model = ModelLoader.load(modelPath, Optional.empty(), ModelOptions.cpu());
        this.pipeline = new StableDiffusionPipeline(model, new SeededNoise());
        this.modelName = modelName;
        this.modelHash = ModelHash.of(modelPath);
        this.resolver = new JobResolver(ServedModel.of(modelName, model));
    }

    /** Runs {@code requests} in order, cut into {@code batches}, largest first, on the pipeline's own thread. */
    Times run(List<GenerationRequest> requests, SortedMap<Integer, Integer> batches) throws InterruptedException {
        try {
            return thread.submit(() -> runHere(requests, batches)).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Times runHere(List<GenerationRequest> requests, SortedMap<Integer, Integer> batches) {
        Duration generate = Duration.ZERO;
        Duration png = Duration.ZERO;
        int next = 0;
        for (var entry : batches.entrySet()) {
            for (int b = 0; b < entry.getValue() && next < requests.size(); b++) {
                int end = Math.min(requests.size(), next + entry.getKey());
                List<GenerationJob> jobs =
                        requests.subList(next, end).stream().map(this::job).toList();
                next = end;
                long start = System.nanoTime();
                List<JobResult> results = pipeline.generate(jobs, (jobId, step, total) -> {});
                generate = generate.plusNanos(System.nanoTime() - start);
                png = png.plus(encode(jobs, results));
            }
        }
        return new Times(generate, png);
    }

    private Duration encode(List<GenerationJob> jobs, List<JobResult> results) {
        long start = System.nanoTime();
        for (int j = 0; j < jobs.size(); j++) {
            for (GeneratedImage image : results.get(j).images()) {
                PngWriter.encode(image.image(), jobs.get(j).parameters(image.seed(), modelName, modelHash));
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The job as the worker hands it to the pipeline: resolved the same way. */
    private GenerationJob job(GenerationRequest request) {
        return switch (resolver.resolve(request)) {
            case Resolution.Resolved resolved -> resolved.job().txt2img();
            case Resolution.Refused refused ->
                throw new IllegalStateException(
                        "the benchmark's own request " + request.jobId() + " is refused: " + refused.violation());
        };
    }

    @Override
    public void close() {
        thread.close();
        model.close();
    }
}
