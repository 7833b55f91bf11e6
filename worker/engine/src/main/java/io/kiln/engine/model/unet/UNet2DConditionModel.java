package io.kiln.engine.model.unet;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Conv2d;
import io.kiln.engine.model.nn.GroupNorm;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.Scopes;
import io.kiln.engine.model.nn.Transformer2D;
import java.util.ArrayList;
import java.util.List;

/**
 * The noise predictor ε_θ(x_t, t, c) of latent diffusion (Rombach et al. 2022, §3.3): a UNet over latents whose
 * transformer blocks cross-attend to the text embedding c. Module paths equal diffusers' {@code UNet2DConditionModel}
 * keys.
 *
 * <p>Shapes: B batch, C latent channels, h×w latent size, S text tokens, D text width.
 */
public final class UNet2DConditionModel extends Module {
    private final UNetConfig config;
    private final Conv2d convIn;
    private final TimestepEmbedding timeEmbedding;
    private final ModuleList<DownBlock> downBlocks;
    private final MidBlock midBlock;
    private final ModuleList<UpBlock> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public UNet2DConditionModel(UNetConfig c, AttentionSlicing slicing) {
        this.config = c;
        List<Integer> channels = c.blockOutChannels();
        int levels = channels.size();
        this.convIn = child("conv_in", Conv2d.same(c.inChannels(), channels.get(0), 3));
        this.timeEmbedding = child(
                "time_embedding",
                new TimestepEmbedding(channels.get(0), c.timeEmbeddingDim(), c.flipSinToCos(), c.freqShift()));
        this.downBlocks = child(
                "down_blocks",
                new ModuleList<>(levels, i -> new DownBlock(c, i, channels.get(Math.max(i - 1, 0)), slicing)));
        this.midBlock = child("mid_block", new MidBlock(c, slicing));
        this.upBlocks = child(
                "up_blocks",
                new ModuleList<>(
                        levels, i -> new UpBlock(c, i, channels.get(levels - 1 - Math.max(i - 1, 0)), slicing)));
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), channels.get(0), c.normEps()));
        this.convOut = child("conv_out", Conv2d.same(channels.get(0), c.outChannels(), 3));
    }

    static Transformer2D transformer(UNetConfig c, long channels, AttentionSlicing slicing) {
        return new Transformer2D(
                channels,
                c.crossAttentionDim(),
                c.attentionHeads(),
                c.transformerLayersPerBlock(),
                c.normNumGroups(),
                c.useLinearProjection(),
                slicing);
    }

    public UNetConfig config() {
        return config;
    }

    /**
     * Predicts the noise in {@code sample}.
     *
     * @param sample noisy latents (B, C, h, w)
     * @param timesteps one timestep per sample (B), any numeric type
     * @param context text embeddings (B, S, D)
     * @return ε (B, C, h, w); every intermediate array is released
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context) {
        return Scopes.scoped(() -> denoise(sample, timesteps, context));
    }

    private NDArray denoise(NDArray sample, NDArray timesteps, NDArray context) {
        // 1. time
        NDArray emb = timeEmbedding.forward(timesteps, sample.getDataType()); // (B, 4·C0)

        // 2. pre-process
        NDArray h = convIn.forward(sample); // (B, C0, h, w)
        List<NDArray> skips = new ArrayList<>();
        skips.add(h);

        // 3. down
        for (DownBlock block : downBlocks) {
            h = block.forward(h, emb, context, skips);
        }

        // 4. mid
        h = midBlock.forward(h, emb, context);

        // 5. up
        for (UpBlock block : upBlocks) {
            h = block.forward(h, emb, context, skips);
        }

        // 6. post-process
        return convOut.forward(Activations.silu(convNormOut.forward(h))); // (B, C, h, w)
    }
}
