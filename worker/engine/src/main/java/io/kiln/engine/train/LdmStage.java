package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Parameter;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.Posterior;
import io.kiln.engine.sampling.NoiseSchedule;
import io.kiln.engine.sampling.SchedulerConfig;
import io.kiln.engine.train.shapes.Example;
import io.kiln.engine.train.shapes.ShapesWorld;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stage 2 of latent diffusion: the UNet ε_θ and the text encoder τ_θ trained jointly, from scratch, on the frozen
 * autoencoder's latents (Rombach et al. 2022, §3.3, eq. 2):
 *
 * <pre>
 *   L = E_{z₀, y, ε ~ N(0, I), t} ‖ε − ε_θ(z_t, t, τ_θ(y))‖²,   z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε
 * </pre>
 *
 * with z₀ = scaling_factor · a latent sampled from the autoencoder's posterior, t uniform over the 1000 training
 * steps of the model's own (SD's scaled_linear) schedule, and the caption y replaced by the empty prompt one time
 * in ten, so that one network learns both the conditional and the unconditional model that classifier-free guidance
 * combines (Ho and Salimans 2022).
 */
public final class LdmStage implements TrainingStage {
    /** The share of captions dropped to the empty prompt. */
    static final double UNCONDITIONAL_SHARE = 0.1;

    private final ShapesModelFolder folder;
    private final ShapesWorld world;
    private final NDManager weights;
    private final AutoencoderKL vae;
    private final float scalingFactor;
    private final ClipTokenizer tokenizer;
    private final CLIPTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final Map<String, long[]> tokenCache = new HashMap<>();

    /** A fresh UNet and text encoder, initialised from {@code seed}, on the autoencoder {@code folder} holds. */
    public LdmStage(ShapesModelFolder folder, ShapesWorld world, long seed, NDManager weights) throws IOException {
        this.folder = folder;
        this.world = world;
        this.weights = weights;
        this.vae = folder.loadVae(weights);
        this.scalingFactor = (float) vae.scalingFactor();
        this.tokenizer = folder.prepareLdm();
        this.textEncoder = new CLIPTextModel(folder.textEncoderConfig());
        this.unet = new UNet2DConditionModel(folder.unetConfig(), AttentionSlicing.AUTO);
        ParameterInit.initialise(textEncoder, weights, seed);
        ParameterInit.initialise(unet, weights, seed + 1);
        this.schedule = NoiseSchedule.of(SchedulerConfig.read(folder.schedulerConfig()));
    }

    @Override
    public String name() {
        return "ldm";
    }

    @Override
    public Map<String, Parameter> trained() {
        Map<String, Parameter> trained = new LinkedHashMap<>();
        textEncoder.namedParameters().forEach((key, parameter) -> trained.put("text_encoder." + key, parameter));
        unet.namedParameters().forEach((key, parameter) -> trained.put("unet." + key, parameter));
        return trained;
    }

    @Override
    public NDArray loss(SplittableRandom random, int batchSize) {
        List<RgbImage> images = new ArrayList<>(batchSize);
        long[] ids = new long[batchSize * tokenizer.maxLength()];
        float[] signal = new float[batchSize];
        float[] noise = new float[batchSize];
        long[] timesteps = new long[batchSize];
        for (int b = 0; b < batchSize; b++) {
            Example example = world.draw(random);
            images.add(example.scene().render());
            String caption = random.nextDouble() < UNCONDITIONAL_SHARE ? "" : example.caption();
            System.arraycopy(tokens(caption), 0, ids, b * tokenizer.maxLength(), tokenizer.maxLength());
            int t = random.nextInt(schedule.trainSteps());
            timesteps[b] = t;
            signal[b] = (float) Math.sqrt(schedule.alphaCumprod(t));
            noise[b] = (float) Math.sqrt(1 - schedule.alphaCumprod(t));
        }

        // 1. The autoencoder, frozen, maps the images to scaled latents z₀.
        Posterior q = vae.encode(TrainingBatch.images(images, weights)); // over (B, L, h, w)
        Shape latentShape = q.mean().getShape();
        NDArray z0 = Activations.scale(q.sample(TrainingBatch.gaussian(random, latentShape, weights)), scalingFactor);

        // 2. The text encoder reads the captions: (B, T) ids → (B, T, D) context.
        NDArray context = textEncoder
                .forward(weights.create(ids, new Shape(batchSize, tokenizer.maxLength())))
                .lastHiddenState();

        // 3. Noise the latents to random timesteps: z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε.
        NDArray epsilon = TrainingBatch.gaussian(random, latentShape, weights); // (B, L, h, w)
        Shape perSample = new Shape(batchSize, 1, 1, 1);
        NDArray zt = z0.mul(weights.create(signal, perSample)).add(epsilon.mul(weights.create(noise, perSample)));

        // 4. The UNet predicts the noise; the loss is its mean squared error.
        NDArray predicted = unet.forward(zt, weights.create(timesteps), context); // (B, L, h, w)
        return predicted.sub(epsilon).square().mean();
    }

    @Override
    public void ship() {
        folder.writeTextEncoder(textEncoder);
        folder.writeUnet(unet);
    }

    private long[] tokens(String caption) {
        return tokenCache.computeIfAbsent(caption, text -> {
            int[] ids = tokenizer.encode(text).inputIds();
            long[] wide = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                wide[i] = ids[i];
            }
            return wide;
        });
    }
}
