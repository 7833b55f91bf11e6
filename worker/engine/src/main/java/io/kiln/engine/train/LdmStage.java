package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Parameter;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.sampling.NoiseSchedule;
import io.kiln.engine.sampling.SchedulerConfig;
import io.kiln.engine.train.shapes.Example;
import io.kiln.engine.train.shapes.Scene;
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
 *   L = E_{z₀, y, ε ~ N(0, I), t} λ(t)·‖ε − ε_θ(z_t, t, τ_θ(y))‖²,   z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε
 * </pre>
 *
 * with z₀ = scaling_factor · a latent sampled from the autoencoder's posterior, t uniform over the 1000 training
 * steps of the model's own (SD's scaled_linear) schedule, λ the {@link TimestepWeighting} (1 in LDM's eq. 2), and
 * the caption y replaced by the empty prompt one time in ten, so that one network learns both the conditional and
 * the unconditional model that classifier-free guidance combines (Ho and Salimans 2022).
 *
 * <p>The UNet starts as LDM's does ({@link ParameterInit#LDM_ZERO_MODULES}): every residual branch adds nothing and
 * the text reaches nothing until a gradient says how it helps. With torch's default initialisation the
 * cross-attention's random reading of the caption is noise in every prediction, and the cheapest way the joint
 * training found to remove it was to make the text encoder's output the same for every caption: after 600 updates
 * the captions' spread in the context had fallen from 35 % of its size to 6 % (15 % with the zeroed layers).
 */
public final class LdmStage implements TrainingStage {
    /** The share of captions dropped to the empty prompt. */
    static final double UNCONDITIONAL_SHARE = 0.1;

    private final ShapesModelFolder folder;
    private final ShapesWorld world;
    private final NDManager weights;
    private final SceneLatents latents;
    private final ClipTokenizer tokenizer;
    private final CLIPTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final float[] lambda;
    private final Map<String, long[]> tokenCache = new HashMap<>();

    /** A fresh UNet and text encoder, initialised from {@code seed}, on the autoencoder {@code folder} holds. */
    public LdmStage(
            ShapesModelFolder folder, ShapesWorld world, TimestepWeighting weighting, long seed, NDManager weights)
            throws IOException {
        this.folder = folder;
        this.world = world;
        this.weights = weights;
        this.latents = new SceneLatents(folder.loadVae(weights));
        this.tokenizer = folder.prepareLdm();
        this.textEncoder = new CLIPTextModel(folder.textEncoderConfig());
        this.unet = new UNet2DConditionModel(folder.unetConfig(), AttentionSlicing.AUTO);
        ParameterInit.initialise(textEncoder, weights, seed);
        ParameterInit.initialise(unet, weights, seed + 1, ParameterInit.LDM_ZERO_MODULES);
        this.schedule = NoiseSchedule.of(SchedulerConfig.read(folder.schedulerConfig()));
        this.lambda = weighting.weights(schedule);
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
        List<Scene> scenes = new ArrayList<>(batchSize);
        long[] ids = new long[batchSize * tokenizer.maxLength()];
        float[] signal = new float[batchSize];
        float[] noise = new float[batchSize];
        float[] weight = new float[batchSize];
        long[] timesteps = new long[batchSize];
        for (int b = 0; b < batchSize; b++) {
            Example example = world.draw(random);
            scenes.add(example.scene());
            String caption = random.nextDouble() < UNCONDITIONAL_SHARE ? "" : example.caption();
            System.arraycopy(tokens(caption), 0, ids, b * tokenizer.maxLength(), tokenizer.maxLength());
            int t = random.nextInt(schedule.trainSteps());
            timesteps[b] = t;
            signal[b] = (float) Math.sqrt(schedule.alphaCumprod(t));
            noise[b] = (float) Math.sqrt(1 - schedule.alphaCumprod(t));
            weight[b] = lambda[t];
        }

        // 1. The frozen autoencoder's posterior gives the scaled latents z₀.
        NDArray z0 = latents.sample(scenes, random, weights); // (B, L, h, w)
        Shape latentShape = z0.getShape();

        // 2. The text encoder reads the captions: (B, T) ids → (B, T, D) context.
        NDArray context = textEncoder
                .forward(weights.create(ids, new Shape(batchSize, tokenizer.maxLength())))
                .lastHiddenState();

        // 3. Noise the latents to random timesteps: z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε.
        NDArray epsilon = TrainingBatch.gaussian(random, latentShape, weights); // (B, L, h, w)
        Shape perSample = new Shape(batchSize, 1, 1, 1);
        NDArray zt = z0.mul(weights.create(signal, perSample)).add(epsilon.mul(weights.create(noise, perSample)));

        // 4. The UNet predicts the noise; the loss is its mean squared error, weighted by λ(t).
        NDArray predicted = unet.forward(zt, weights.create(timesteps), context); // (B, L, h, w)
        return predicted
                .sub(epsilon)
                .square()
                .reshape(batchSize, -1)
                .mean(new int[] {1})
                .mul(weights.create(weight))
                .mean();
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
