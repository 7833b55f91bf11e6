package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;
import io.kiln.engine.model.nn.Upsample2D;

/** One level of the VAE decoder, diffusers' {@code UpDecoderBlock2D}: resnets, then a doubling (not at the last). */
final class UpDecoderBlock2D extends Module {
    private final ModuleList<ResnetBlock2D> resnets;
    private final Upsample2D upsampler;

    UpDecoderBlock2D(long in, long out, int layers, int groups, boolean upsample) {
        this.resnets = child(
                "resnets",
                new ModuleList<>(
                        layers, i -> new ResnetBlock2D(i == 0 ? in : out, out, 0, groups, AutoencoderKL.NORM_EPS)));
        this.upsampler = upsample
                ? child("upsamplers", new ModuleList<>(1, i -> new Upsample2D(out)))
                        .get(0)
                : null;
    }

    /** (B, in, h, w) → (B, out, 2h, 2w), or (B, out, h, w) at the last level. */
    NDArray forward(NDArray h) {
        for (ResnetBlock2D resnet : resnets) {
            h = resnet.forward(h);
        }
        return upsampler == null ? h : upsampler.forward(h);
    }
}
