package io.kiln.engine.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.sampling.NoiseSource;
import io.kiln.engine.sampling.SchedulerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A micro-batch laid out as images: job j's k-th image is one row, with seed {@code seed_j + k} and a random stream
 * of its own. Rows keep the jobs' order, so results map back by position.
 */
final class Batch {
    private final List<GenerationJob> jobs;
    private final CompatibilityKey key;
    private final List<Integer> jobOfRow = new ArrayList<>();
    private final List<Long> seeds = new ArrayList<>();
    private final List<NoiseSource> streams = new ArrayList<>();

    private Batch(List<GenerationJob> jobs, CompatibilityKey key, NoiseStreams noise) {
        this.jobs = List.copyOf(jobs);
        this.key = key;
        for (int j = 0; j < jobs.size(); j++) {
            for (int k = 0; k < jobs.get(j).numImages(); k++) {
                long seed = jobs.get(j).seed() + k;
                jobOfRow.add(j);
                seeds.add(seed);
                streams.add(noise.open(seed));
            }
        }
    }

    /** Lays out {@code jobs}, refusing a list whose jobs cannot share a run. */
    static Batch of(List<GenerationJob> jobs, SchedulerConfig schedule, NoiseStreams noise) {
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one job");
        }
        CompatibilityKey key = CompatibilityKey.of(jobs.get(0), schedule);
        for (GenerationJob job : jobs.subList(1, jobs.size())) {
            CompatibilityKey other = CompatibilityKey.of(job, schedule);
            if (!other.equals(key)) {
                throw new IllegalArgumentException("jobs " + jobs.get(0).jobId() + " and " + job.jobId()
                        + " cannot share a batch: " + key + " vs " + other);
            }
        }
        return new Batch(jobs, key, noise);
    }

    List<GenerationJob> jobs() {
        return jobs;
    }

    CompatibilityKey key() {
        return key;
    }

    /** B, the number of images. */
    int size() {
        return seeds.size();
    }

    /** The job that image {@code row} belongs to. */
    int jobOf(int row) {
        return jobOfRow.get(row);
    }

    NoiseSource stream(int row) {
        return streams.get(row);
    }

    /** Whether any job asks for guidance (s > 1); if none does, the UNet runs on the conditional rows alone. */
    boolean guided() {
        return jobs.stream().anyMatch(job -> job.prompt().guidanceScale() > 1);
    }

    /**
     * Each image's guidance scale s, (B, 1, 1, 1). A job without guidance gets s = 1 inside a guided batch, which
     * reduces ε_u + s·(ε_c − ε_u) to its ε_c, what it gets alone.
     */
    NDArray guidanceScales(NDManager manager) {
        float[] scales = new float[size()];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) Math.max(jobs.get(jobOf(i)).prompt().guidanceScale(), 1);
        }
        return manager.create(scales, new Shape(size(), 1, 1, 1));
    }

    /**
     * Per-step noise for the whole batch, diffusers' {@code randn_tensor} with one generator per image: each image's
     * rows from its own stream, concatenated on the batch axis, (B, C, h, w).
     */
    NoiseSource stepNoise() {
        return (shape, manager) -> {
            Shape oneImage = new Shape(1, shape.get(1), shape.get(2), shape.get(3));
            NDList rows = new NDList();
            streams.forEach(stream -> rows.add(stream.next(oneImage, manager)));
            return NDArrays.concat(rows, 0);
        };
    }

    /** Groups the images back into their jobs. */
    List<JobResult> results(List<RgbImage> images, boolean[] truncated) {
        List<JobResult> results = new ArrayList<>();
        int row = 0;
        for (int j = 0; j < jobs.size(); j++) {
            List<GeneratedImage> own = new ArrayList<>();
            for (int k = 0; k < jobs.get(j).numImages(); k++, row++) {
                own.add(new GeneratedImage(images.get(row), seeds.get(row)));
            }
            results.add(new JobResult(jobs.get(j).jobId(), own, truncated[j]));
        }
        return results;
    }
}
