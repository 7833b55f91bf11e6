package io.kiln.engine.model.unet;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Downsample2D;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;
import io.kiln.engine.model.nn.Transformer2D;
import java.util.List;

/**
 * One level of the UNet's encoder: diffusers' {@code CrossAttnDownBlock2D} (a transformer after each resnet) or
 * {@code DownBlock2D} (resnets only), then a stride-2 downsampler on every level but the last. Every intermediate
 * output is kept for the decoder's skip connections.
 */
final class DownBlock extends Module {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2D> attentions;
    private final Downsample2D downsampler;

    DownBlock(UNetConfig c, int level, long in, AttentionSlicing slicing) {
        long out = c.blockOutChannels().get(level);
        int layers = c.layersPerBlock();
        this.resnets = child(
                "resnets",
                new ModuleList<>(
                        layers,
                        i -> new ResnetBlock2D(
                                i == 0 ? in : out, out, c.timeEmbeddingDim(), c.normNumGroups(), c.normEps())));
        this.attentions = c.crossAttention().get(level)
                ? child("attentions", new ModuleList<>(layers, i -> UNet2DConditionModel.transformer(c, out, slicing)))
                : null;
        this.downsampler = level < c.downsamplings()
                ? child("downsamplers", new ModuleList<>(1, i -> new Downsample2D(out, 1)))
                        .get(0)
                : null;
    }

    /** (B, in, H, W) → (B, out, H/2, W/2), adding every output to {@code skips}. */
    NDArray forward(NDArray h, NDArray timeEmbedding, NDArray context, List<NDArray> skips) {
        for (int i = 0; i < resnets.size(); i++) {
            h = resnets.get(i).forward(h, timeEmbedding);
            if (attentions != null) {
                h = attentions.get(i).forward(h, context);
            }
            skips.add(h);
        }
        if (downsampler != null) {
            h = downsampler.forward(h);
            skips.add(h);
        }
        return h;
    }
}
