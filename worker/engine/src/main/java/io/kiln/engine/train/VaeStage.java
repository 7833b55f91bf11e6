package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Parameter;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.Posterior;
import io.kiln.engine.train.shapes.ShapesWorld;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Stage 1 of latent diffusion: the KL autoencoder that compresses the shapes' images to latents (Rombach et al.
 * 2022, §3). The loss is LDM's without its perceptual and adversarial terms, which flat-coloured shapes do not
 * need: the L1 reconstruction error plus the KL divergence to N(0, I) weighted 10⁻⁶ per element summed, i.e. as LDM's
 * {@code kl_weight} when both sums are divided by the pixel count.
 *
 * <p>What ships: the moving-average weights and a {@code scaling_factor} of 1/std of the latents they produce, as
 * the LDM code measures it on its first batch, so that the diffusion model sees latents of unit variance.
 */
public final class VaeStage implements TrainingStage {
    private static final double KL_WEIGHT_PER_SUMMED_ELEMENT = 1e-6;
    private static final int SCALE_BATCHES = 8;
    private static final int SCALE_BATCH_SIZE = 64;
    private static final long SCALE_SEED = 0x5CA1EL;

    private final ShapesModelFolder folder;
    private final ShapesWorld world;
    private final AutoencoderKL vae;
    private final NDManager weights;

    /** A fresh autoencoder, initialised from {@code seed}, that will be written to {@code folder}. */
    public VaeStage(ShapesModelFolder folder, ShapesWorld world, long seed, NDManager weights) throws IOException {
        this.folder = folder;
        this.world = world;
        this.weights = weights;
        this.vae = new AutoencoderKL(folder.prepareVae(), AttentionSlicing.AUTO);
        ParameterInit.initialise(vae, weights, seed);
    }

    @Override
    public String name() {
        return "vae";
    }

    @Override
    public Map<String, Parameter> trained() {
        Map<String, Parameter> trained = new LinkedHashMap<>();
        vae.namedParameters().forEach((key, parameter) -> trained.put("vae." + key, parameter));
        return trained;
    }

    @Override
    public NDArray loss(SplittableRandom random, int batchSize) {
        NDArray x = TrainingBatch.images(draw(random, batchSize), weights); // (B, 3, H, W)
        Posterior q = vae.encode(x); // over (B, L, h, w)
        NDArray z = q.sample(TrainingBatch.gaussian(random, q.mean().getShape(), weights));
        NDArray reconstruction = vae.decode(z).sub(x).abs().mean();
        float klWeight = (float) (KL_WEIGHT_PER_SUMMED_ELEMENT
                * z.getShape().size()
                / x.getShape().size());
        return reconstruction.add(Activations.scale(q.kl(), klWeight));
    }

    @Override
    public void ship() throws IOException {
        folder.writeVae(vae, 1 / latentStd());
    }

    /** The standard deviation of sampled latents over a fixed set of images, the LDM code's {@code 1/scale_factor}. */
    private double latentStd() {
        SplittableRandom random = new SplittableRandom(SCALE_SEED);
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int i = 0; i < SCALE_BATCHES; i++) {
            try (NDScope ignored = new NDScope()) {
                NDArray x = TrainingBatch.images(draw(random, SCALE_BATCH_SIZE), weights);
                Posterior q = vae.encode(x);
                float[] z = q.sample(TrainingBatch.gaussian(random, q.mean().getShape(), weights))
                        .toFloatArray();
                for (float v : z) {
                    sum += v;
                    squares += (double) v * v;
                }
                count += z.length;
            }
        }
        double mean = sum / count;
        return Math.sqrt(squares / count - mean * mean);
    }

    private List<RgbImage> draw(SplittableRandom random, int batchSize) {
        List<RgbImage> images = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            images.add(world.draw(random).scene().render());
        }
        return images;
    }
}
