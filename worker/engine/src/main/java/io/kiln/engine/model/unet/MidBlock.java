package io.kiln.engine.model.unet;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;
import io.kiln.engine.model.nn.Transformer2D;

/** The bottleneck, diffusers' {@code UNetMidBlock2DCrossAttn}: resnet, transformer, resnet at the lowest resolution. */
final class MidBlock extends Module {
    private final ModuleList<ResnetBlock2D> resnets;
    private final Transformer2D attention;

    MidBlock(UNetConfig c, AttentionSlicing slicing) {
        long channels = c.blockOutChannels().get(c.blockOutChannels().size() - 1);
        this.resnets = child(
                "resnets",
                new ModuleList<>(
                        2,
                        i -> new ResnetBlock2D(
                                channels, channels, c.timeEmbeddingDim(), c.normNumGroups(), c.normEps())));
        this.attention = child(
                        "attentions", new ModuleList<>(1, i -> UNet2DConditionModel.transformer(c, channels, slicing)))
                .get(0);
    }

    /** (B, C, h, w) → (B, C, h, w). */
    NDArray forward(NDArray h, NDArray timeEmbedding, NDArray context) {
        h = resnets.get(0).forward(h, timeEmbedding);
        h = attention.forward(h, context);
        return resnets.get(1).forward(h, timeEmbedding);
    }
}
