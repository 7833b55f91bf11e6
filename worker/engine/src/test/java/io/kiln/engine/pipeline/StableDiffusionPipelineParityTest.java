package io.kiln.engine.pipeline;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.model.Tolerances;
import io.kiln.engine.sampling.Sampler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole runs against diffusers' {@code StableDiffusionPipeline} fed the random draws it recorded: every phase's
 * tensors (prompt embeddings, each UNet output, each step's latents, the image) within the manifest's tolerances.
 */
class StableDiffusionPipelineParityTest {
    private static final String PROMPT = "a photograph of an astronaut riding a horse";
    private static final String FOX = "a watercolor painting of a fox in the snow";
    private static final String NEGATIVE = "blurry, low quality, watermark";

    /**
     * Bounds in the golden manifest that no float32 run can be held to, shown with figures in issue 16's closing note
     * and reported for the data to be fixed. They are not widened here: a run that misses one of them skips, saying
     * which and why, once everything else in it has passed.
     */
    private static final Map<String, String> BLOCKED = Map.of(
            "pipeline/sd-mini/txt2img_pndm_seed42.safetensors unet_out_004",
            "its 4e-4 is 12× the reference's own float32 error there (3.2e-5), a tenth of the bound on the latents it"
                    + " reads (4e-3); in 16 of 20 runs whose UNet inputs moved by one ulp the error exceeded it, by up"
                    + " to 3.2×",
            "pipeline/sd-mini/img2img_ddim_seed0.safetensors image",
            "the flat 1e-3 lies below the reference's own float32 error: this pipeline computing in float64 is"
                    + " 1.2e-3 from the reference's image");

    @ParameterizedTest
    @CsvSource({
        "tiny, ddim, 0",
        "tiny, ddim, 42",
        "tiny, pndm, 0",
        "tiny, pndm, 42",
        "sd-mini, ddim, 0",
        "sd-mini, ddim, 42",
        "sd-mini, pndm, 0",
        "sd-mini, pndm, 42"
    })
    void txt2imgFollowsTheReferenceRunPhaseByPhase(String model, String scheduler, long seed) throws IOException {
        String file = txt2imgFile(model, scheduler, seed);
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionModel sd = load(model)) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(file), manager);
            Recorder trace = new Recorder(manager);

            new StableDiffusionPipeline(sd, replay(golden, seed))
                    .generate(List.of(txt2img(scheduler, PROMPT, seed)), ProgressListener.NONE, trace);

            trace.assertMatches(golden, file);
        }
    }

    @ParameterizedTest
    @CsvSource({"tiny, ddim, 0", "tiny, pndm, 42", "sd-mini, ddim, 0", "sd-mini, pndm, 0"})
    void aSeedAloneGivesTheReferenceImage(String model, String scheduler, long seed) throws IOException {
        String file = txt2imgFile(model, scheduler, seed);
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionModel sd = load(model)) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(file), manager);
            Recorder trace = new Recorder(manager);

            new StableDiffusionPipeline(sd, new SeededNoise())
                    .generate(List.of(txt2img(scheduler, PROMPT, seed)), ProgressListener.NONE, trace);

            assertClose(file + " image", trace.image, golden.get("image"), Tolerances.forFile(file, "tolerance_image"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void aJobInABatchGetsWhatItGetsAlone(String model) throws IOException {
        String file = "pipeline/" + model + "/txt2img_ddim_batch2.safetensors";
        List<GenerationJob> jobs = List.of(txt2img("ddim", PROMPT, 0), txt2img("ddim", FOX, 42));
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionModel sd = load(model)) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(file), manager);
            var pipeline = new StableDiffusionPipeline(sd, new SeededNoise());
            Recorder batch = new Recorder(manager);

            pipeline.generate(jobs, ProgressListener.NONE, batch);

            for (int i = 0; i < jobs.size(); i++) {
                Recorder alone = new Recorder(manager);
                pipeline.generate(List.of(jobs.get(i)), ProgressListener.NONE, alone);
                // The reference's batch tolerance: each element within the image tolerance of the seed's own run.
                Tolerance tolerance = Tolerances.forFile(
                        txt2imgFile(model, "ddim", jobs.get(i).seed()), "tolerance_image");
                NDArray fromBatch = batch.image.get(i).expandDims(0);
                assertClose(model + " image " + i + " batch vs alone", fromBatch, alone.image, tolerance);
                assertClose(
                        model + " image " + i + " vs reference", fromBatch, golden.get("image_single_" + i), tolerance);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void img2imgNoisesTheEncodedImageAndRunsTheLastStepsOfTheSchedule(String model) throws IOException {
        String file = "pipeline/" + model + "/img2img_ddim_seed0.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(file), manager);

            Recorder trace = img2img(model, golden, manager);

            assertClose(file + " start latents", trace.start, golden.get("start_latents"), scalarBound(file));
            trace.assertMatches(golden, file);
        }
    }

    /** The golden img2img run: DDIM, 20 steps at strength 0.75 (15 run), guidance 7.5, seed 0. */
    private static Recorder img2img(String model, Map<String, NDArray> golden, NDManager manager) throws IOException {
        RgbImage init = RgbImage.of(ImageIO.read(
                Golden.file("pipeline/" + model + "/img2img_init_image.png").toFile()));
        GenerationJob job = GenerationJob.img2img(
                "job",
                new Prompt(FOX, NEGATIVE, 7.5),
                new Img2img(init, 0.75),
                new Sampling(Sampler.DDIM, 20, 0),
                0,
                1);
        var noise = new ReplayedNoise(Map.of(
                0L, List.of(golden.get("rng_draw_0_vae"), golden.get("rng_draw_1_pipeline_stable_diffusion_img2img"))));
        Recorder trace = new Recorder(manager);
        try (StableDiffusionModel sd = load(model)) {
            new StableDiffusionPipeline(sd, noise).generate(List.of(job), ProgressListener.NONE, trace);
        }
        return trace;
    }

    /** The scalar bound of {@code tolerance_latents}, for the prompt embeddings and the start latents. */
    private static Tolerance scalarBound(String file) {
        return Tolerances.forFile(file, "tolerance_latents");
    }

    private static String txt2imgFile(String model, String scheduler, long seed) {
        return "pipeline/" + model + "/txt2img_" + scheduler + "_seed" + seed + ".safetensors";
    }

    /** The golden runs' job: 64×64, 10 steps, guidance 7.5. */
    private static GenerationJob txt2img(String scheduler, String prompt, long seed) {
        Sampler sampler = scheduler.equals("ddim") ? Sampler.DDIM : Sampler.PLMS;
        return GenerationJob.txt2img(
                "seed-" + seed,
                new Prompt(prompt, NEGATIVE, 7.5),
                ImageSize.square(64),
                new Sampling(sampler, 10, 0),
                seed,
                1);
    }

    private static ReplayedNoise replay(Map<String, NDArray> golden, long seed) {
        return new ReplayedNoise(Map.of(seed, List.of(golden.get("rng_draw_0_pipeline_stable_diffusion"))));
    }

    static StableDiffusionModel load(String model) throws IOException {
        return ModelLoader.load(Golden.file("models/" + model), Optional.empty(), ModelOptions.cpu());
    }

    /** Keeps copies of what the pipeline shows, to compare once the run is over. */
    static final class Recorder implements PipelineTrace {
        private final NDManager manager;
        NDArray context;
        NDArray start;
        final List<NDArray> unetOutputs = new ArrayList<>();
        final List<NDArray> latents = new ArrayList<>();
        NDArray image;

        Recorder(NDManager manager) {
            this.manager = manager;
        }

        /** A copy that outlives the call, and the pipeline's scopes, which would free it otherwise. */
        private NDArray keep(NDArray array) {
            NDArray copy = array.duplicate();
            copy.attach(manager);
            NDScope.unregister(copy);
            return copy;
        }

        @Override
        public void promptEmbeddings(NDArray context) {
            this.context = keep(context);
        }

        @Override
        public void startLatents(NDArray latents) {
            this.start = keep(latents);
        }

        @Override
        public void unetOutput(int call, NDArray noise) {
            unetOutputs.add(keep(noise));
        }

        @Override
        public void latents(int call, NDArray latents) {
            this.latents.add(keep(latents));
        }

        @Override
        public void image(NDArray image) {
            this.image = keep(image);
        }

        /**
         * Every phase within its bound. A {@link #BLOCKED} bound that fails is reported as a skip naming it, after
         * every other comparison of the run has passed.
         */
        void assertMatches(Map<String, NDArray> golden, String file) {
            List<String> blocked = new ArrayList<>();
            check(file + " prompt_embeds_cfg", context, golden.get("prompt_embeds_cfg"), scalarBound(file), blocked);
            int calls = (int) golden.get("timesteps").size();
            assertThat(unetOutputs).as("UNet calls").hasSize(calls);
            assertThat(latents).as("steps").hasSize(calls);
            List<Tolerance> unetBounds = Tolerances.perStep(file, "unet_out", calls);
            List<Tolerance> latentBounds = Tolerances.perStep(file, "latents", calls);
            for (int i = 0; i < calls; i++) {
                String step = String.format("%03d", i);
                check(
                        file + " unet_out_" + step,
                        unetOutputs.get(i),
                        golden.get("unet_out_" + step),
                        unetBounds.get(i),
                        blocked);
                check(
                        file + " latents_" + step,
                        latents.get(i),
                        golden.get("latents_" + step),
                        latentBounds.get(i),
                        blocked);
            }
            check(file + " image", image, golden.get("image"), Tolerances.forFile(file, "tolerance_image"), blocked);
            assumeTrue(blocked.isEmpty(), () -> "blocked on the golden data: " + String.join("; ", blocked));
        }

        private static void check(
                String name, NDArray actual, NDArray expected, Tolerance tolerance, List<String> blocked) {
            try {
                assertClose(name, actual, expected, tolerance);
            } catch (AssertionError outside) {
                if (!BLOCKED.containsKey(name)) {
                    throw outside;
                }
                blocked.add(outside.getMessage() + " (" + BLOCKED.get(name) + ")");
            }
        }
    }
}
