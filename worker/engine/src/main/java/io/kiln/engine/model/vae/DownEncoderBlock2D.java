package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Downsample2D;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;

/** One level of the VAE encoder, diffusers' {@code DownEncoderBlock2D}: resnets, then a halving (not at the last). */
final class DownEncoderBlock2D extends Module {
    /** The VAE pads its stride-2 convolutions only right and bottom, as CompVis' encoder did. */
    private static final int DOWNSAMPLE_PADDING = 0;

    private final ModuleList<ResnetBlock2D> resnets;
    private final Downsample2D downsampler;

    DownEncoderBlock2D(long in, long out, int layers, int groups, boolean downsample) {
        this.resnets = child(
                "resnets",
                new ModuleList<>(
                        layers, i -> new ResnetBlock2D(i == 0 ? in : out, out, 0, groups, AutoencoderKL.NORM_EPS)));
        this.downsampler = downsample
                ? child("downsamplers", new ModuleList<>(1, i -> new Downsample2D(out, DOWNSAMPLE_PADDING)))
                        .get(0)
                : null;
    }

    /** (B, in, H, W) → (B, out, H/2, W/2), or (B, out, H, W) at the last level. */
    NDArray forward(NDArray h) {
        for (ResnetBlock2D resnet : resnets) {
            h = resnet.forward(h);
        }
        return downsampler == null ? h : downsampler.forward(h);
    }
}
