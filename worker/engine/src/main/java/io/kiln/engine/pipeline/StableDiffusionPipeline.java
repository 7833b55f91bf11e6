package io.kiln.engine.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.model.nn.Scopes;
import io.kiln.engine.model.tokenizer.Tokenized;
import io.kiln.engine.sampling.NoiseSource;
import io.kiln.engine.sampling.Scheduler;
import io.kiln.engine.sampling.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Text-to-image and image-to-image with Stable Diffusion 1.x, as the latent diffusion paper (Rombach et al. 2022)
 * samples: encode the prompt, start from seeded noise (or the noised init image), denoise with a sampler under
 * classifier-free guidance, decode with the VAE.
 *
 * <p>A call runs a micro-batch of compatible jobs (one {@link CompatibilityKey}) as one batch of B images and gives
 * every job what it would get alone: each image draws from its own seeded stream, and each job keeps its own prompt,
 * negative prompt and guidance scale. Guidance runs the unconditional and conditional passes as one UNet batch
 * {@code [uncond_1..B ; cond_1..B]}.
 *
 * <p>Shapes: B images, h×w latents (H/8×W/8 for SD 1.x), T text tokens (the tokenizer's {@code model_max_length}, 77 for SD 1.x), D text width.
 */
public final class StableDiffusionPipeline {
    private static final long LATENT_CHANNELS = 4;

    private final StableDiffusionModel model;
    private final NoiseStreams noise;

    public StableDiffusionPipeline(StableDiffusionModel model, NoiseStreams noise) {
        this.model = model;
        this.noise = noise;
    }

    /** Generates every job of a compatible batch; results in the jobs' order. */
    public List<JobResult> generate(List<GenerationJob> jobs, ProgressListener progress) {
        return generate(jobs, progress, PipelineTrace.NONE);
    }

    /**
     * Generates every job of a compatible batch, showing the intermediate tensors to {@code trace}.
     *
     * @throws IllegalArgumentException when the jobs differ in their {@link CompatibilityKey}, naming the first two
     *     that do
     */
    public List<JobResult> generate(List<GenerationJob> jobs, ProgressListener progress, PipelineTrace trace) {
        return run(jobs, progress, StepBoundary.NEVER, trace).orElseThrow();
    }

    /**
     * Generates every job of a compatible batch, asking {@code boundary} after each denoising step whether to go on.
     *
     * @return the results in the jobs' order, or empty when {@code boundary} stopped the batch
     */
    public Optional<List<JobResult>> generateUnlessStopped(
            List<GenerationJob> jobs, ProgressListener progress, StepBoundary boundary) {
        return run(jobs, progress, boundary, PipelineTrace.NONE);
    }

    private Optional<List<JobResult>> run(
            List<GenerationJob> jobs, ProgressListener progress, StepBoundary boundary, PipelineTrace trace) {
        Batch batch = Batch.of(jobs, model.schedulerConfig(), noise);
        Sampling sampling = batch.key().sampling();
        try (NDManager run = NDManager.newBaseManager(model.options().device());
                Scheduler scheduler = sampling.sampler().create(model.schedulerConfig(), sampling.eta())) {
            // 0. timesteps
            scheduler.setTimesteps(sampling.steps());
            int start = batch.key().startStep();

            // 1. encode the prompts
            PromptEmbeddings prompts = encodePrompts(batch, run);
            trace.promptEmbeddings(prompts.context());

            // 2. start from seeded noise, or from the init images noised to the start step
            NDArray latents = startLatents(batch, scheduler, start, run); // (B, 4, h, w)
            trace.startLatents(latents);

            // 3. denoise, unless the boundary stops the batch between two steps
            Optional<NDArray> denoised =
                    denoise(batch, scheduler, start, prompts, latents, new Observers(progress, boundary), trace);
            if (denoised.isEmpty()) {
                return Optional.empty();
            }

            // 4. decode
            NDArray images = decode(denoised.get()); // (B, H, W, 3) in [0, 1]
            trace.image(images);
            return Optional.of(batch.results(toRgb(images), prompts.truncated()));
        }
    }

    private PromptEmbeddings encodePrompts(Batch batch, NDManager run) {
        List<GenerationJob> jobs = batch.jobs();
        int count = jobs.size();
        boolean guided = batch.guided();
        // Each job's prompts are encoded once, however many images it asks for; rows are then gathered per image.
        // Without guidance no unconditional pass runs, so the negative prompts are not encoded at all.
        long[][] ids = new long[guided ? 2 * count : count][];
        boolean[] truncated = new boolean[count];
        for (int j = 0; j < count; j++) {
            Tokenized positive = model.tokenizer().encode(jobs.get(j).prompt().text());
            truncated[j] = positive.truncated();
            ids[guided ? count + j : j] = widen(positive.inputIds());
            if (guided) {
                Tokenized negative =
                        model.tokenizer().encode(jobs.get(j).prompt().negative());
                truncated[j] |= negative.truncated();
                ids[j] = widen(negative.inputIds());
            }
        }
        NDArray embeddings = model.textEncoder().forward(run.create(ids)).lastHiddenState(); // (2J or J, T, D)
        int offset = guided ? batch.size() : 0;
        long[] rows = new long[offset + batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            int job = batch.jobOf(i);
            if (guided) {
                rows[i] = job; // uncond row of image i
            }
            rows[offset + i] = (guided ? count : 0) + job; // cond row of image i
        }
        NDArray context =
                embeddings.get(run.create(rows)).toType(model.options().dtype(), false);
        embeddings.close();
        return new PromptEmbeddings(context, truncated); // (2B or B, T, D)
    }

    private NDArray startLatents(Batch batch, Scheduler scheduler, int start, NDManager run) {
        int height = batch.key().size().height() / model.vae().spatialScaleFactor();
        int width = batch.key().size().width() / model.vae().spatialScaleFactor();
        Shape oneImage = new Shape(1, LATENT_CHANNELS, height, width);
        NDList rows = new NDList();
        for (int i = 0; i < batch.size(); i++) {
            GenerationJob job = batch.jobs().get(batch.jobOf(i));
            NoiseSource stream = batch.stream(i);
            if (job.isImg2img()) {
                RgbImage init = job.img2img().orElseThrow().initImage();
                rows.add(noisedInitLatents(init, stream, oneImage, scheduler, start, run));
            } else {
                NDArray x = stream.next(oneImage, run); // x_T ~ N(0, I), (1, 4, h, w)
                rows.add(x.mul(scheduler.initNoiseSigma()));
            }
        }
        return NDArrays.concat(rows, 0); // (B, 4, h, w)
    }

    /** SDEdit: z_0 = E(image)·scaling, then √ᾱ_t·z_0 + √(1 − ᾱ_t)·ε at the start step (or z_0 + σ·ε). */
    private NDArray noisedInitLatents(
            RgbImage image, NoiseSource stream, Shape oneImage, Scheduler scheduler, int start, NDManager run) {
        return Scopes.scoped(() -> {
            NDArray pixels =
                    ImageTensors.toModelInput(image, run).toType(model.options().dtype(), false);
            var posterior = model.vae().encode(pixels); // (1, 4, h, w) mean and log-variance
            // The VAE sample is drawn before the noise, both from the image's stream, in diffusers' order.
            NDArray sample = posterior.sample(
                    stream.next(oneImage, run).toType(model.options().dtype(), false));
            NDArray z0 = sample.toType(DataType.FLOAT32, false).mul(model.vae().scalingFactor());
            return scheduler.addNoise(z0, stream.next(oneImage, run), start); // (1, 4, h, w)
        });
    }

    /** What hears of each denoising step: the boundary first, which may stop the batch, then each job's progress. */
    private record Observers(ProgressListener progress, StepBoundary boundary) {}

    /** The denoised latents, (B, 4, h, w); empty when the boundary stopped the batch, whose latents are then freed. */
    private Optional<NDArray> denoise(
            Batch batch,
            Scheduler scheduler,
            int start,
            PromptEmbeddings prompts,
            NDArray latents,
            Observers observers,
            PipelineTrace trace) {
        int total = scheduler.timesteps().length - start;
        NDArray scales = batch.guidanceScales(latents.getManager()); // (B, 1, 1, 1)
        NoiseSource stepNoise = batch.stepNoise();
        for (int i = start; i < scheduler.timesteps().length; i++) {
            NDArray eps = predictNoise(scheduler, i, i - start, latents, prompts.context(), scales, trace);
            StepResult step = scheduler.step(eps, i, latents, stepNoise);
            eps.close();
            latents.close();
            if (step.predictedOriginal() != null) {
                step.predictedOriginal().close();
            }
            latents = step.prevSample();
            trace.latents(i - start, latents);
            int done = i - start + 1;
            if (!observers.boundary().proceed(done, total)) {
                latents.close();
                return Optional.empty();
            }
            for (GenerationJob job : batch.jobs()) {
                observers.progress().stepDone(job.jobId(), done, total);
            }
        }
        return Optional.of(latents);
    }

    /** The guided noise prediction ε = ε_u + s·(ε_c − ε_u) for every image, (B, 4, h, w). */
    private NDArray predictNoise(
            Scheduler scheduler,
            int stepIndex,
            int call,
            NDArray latents,
            NDArray context,
            NDArray scales,
            PipelineTrace trace) {
        boolean guided = context.getShape().get(0) == 2 * latents.getShape().get(0);
        return Scopes.scoped(() -> {
            NDArray input = guided ? latents.concat(latents, 0) : latents; // (2B or B, 4, h, w)
            input = scheduler.scaleModelInput(input, stepIndex);
            long rows = input.getShape().get(0);
            NDArray t = latents.getManager().full(new Shape(rows), scheduler.timestep(stepIndex)); // (2B or B)
            NDArray out = model.unet()
                    .forward(input.toType(model.options().dtype(), false), t, context)
                    .toType(DataType.FLOAT32, false);
            trace.unetOutput(call, out);
            if (!guided) {
                return out;
            }
            NDList halves = out.split(2, 0); // ε_u, ε_c: (B, 4, h, w) each
            return halves.get(0).add(halves.get(1).sub(halves.get(0)).mul(scales));
        });
    }

    /** x = D(z / scaling), then (x + 1)/2 clamped to [0, 1], as (B, H, W, 3). */
    private NDArray decode(NDArray latents) {
        NDArray images = Scopes.scoped(() -> {
            NDArray z = latents.div(model.vae().scalingFactor())
                    .toType(model.options().dtype(), false);
            NDArray decoded = model.vae().decode(z).toType(DataType.FLOAT32, false); // (B, 3, H, W)
            return decoded.div(2).add(0.5).clip(0, 1).transpose(0, 2, 3, 1); // (B, H, W, 3)
        });
        latents.close();
        return images;
    }

    private static List<RgbImage> toRgb(NDArray images) {
        List<RgbImage> rgb = new ArrayList<>();
        for (int i = 0; i < images.getShape().get(0); i++) {
            try (NDArray image = images.get(i)) {
                rgb.add(ImageTensors.toRgb(image));
            }
        }
        return rgb;
    }

    private static long[] widen(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return wide;
    }

    /** The text context and, per job, whether a prompt was cut to fit. */
    private record PromptEmbeddings(NDArray context, boolean[] truncated) {}
}
