package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;

/**
 * The bottleneck of the VAE encoder and decoder, diffusers' {@code UNetMidBlock2D}: resnet, self-attention over the
 * map, resnet, all at the lowest resolution and without a timestep embedding.
 */
final class UNetMidBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets;
    private final AttentionBlock attention;

    UNetMidBlock2D(long channels, int groups, AttentionSlicing slicing) {
        this.resnets = child(
                "resnets",
                new ModuleList<>(2, i -> new ResnetBlock2D(channels, channels, 0, groups, AutoencoderKL.NORM_EPS)));
        this.attention = child("attentions", new ModuleList<>(1, i -> new AttentionBlock(channels, groups, slicing)))
                .get(0);
    }

    /** (B, C, h, w) → (B, C, h, w). */
    NDArray forward(NDArray h) {
        h = resnets.get(0).forward(h);
        h = attention.forward(h);
        return resnets.get(1).forward(h);
    }
}
