package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Conv2d;
import io.kiln.engine.model.nn.GroupNorm;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import java.util.List;

/**
 * The VAE encoder, diffusers' {@code Encoder} with {@code double_z=True}: an image to the mean and log-variance of
 * q(z|x), stacked on the channel axis, at 1/f of the image side.
 *
 * <p>Shapes: B batch, H×W image, C_i channels of level i, L latent channels, f = 2^(levels−1), h = H/f, w = W/f.
 */
final class Encoder extends Module {
    private final Conv2d convIn;
    private final ModuleList<DownEncoderBlock2D> downBlocks;
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Encoder(AutoencoderKLConfig c, AttentionSlicing slicing) {
        List<Integer> channels = c.blockOutChannels();
        int levels = c.levels();
        long deepest = channels.get(levels - 1);
        this.convIn = child("conv_in", Conv2d.same(c.inChannels(), channels.get(0), 3));
        this.downBlocks = child(
                "down_blocks",
                new ModuleList<>(
                        levels,
                        i -> new DownEncoderBlock2D(
                                channels.get(Math.max(i - 1, 0)),
                                channels.get(i),
                                c.layersPerBlock(),
                                c.normNumGroups(),
                                i < levels - 1)));
        this.midBlock = child("mid_block", new UNetMidBlock2D(deepest, c.normNumGroups(), slicing));
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), deepest, AutoencoderKL.NORM_EPS));
        this.convOut = child("conv_out", Conv2d.same(deepest, 2L * c.latentChannels(), 3));
    }

    /** (B, 3, H, W) → moments (B, 2·L, h, w), mean first. */
    NDArray forward(NDArray image) {
        NDArray h = convIn.forward(image); // (B, C_0, H, W)
        for (DownEncoderBlock2D block : downBlocks) {
            h = block.forward(h); // (B, C_i, H/2^(i+1), W/2^(i+1)), the last level not halved
        }
        h = midBlock.forward(h); // (B, C_last, h, w)
        return convOut.forward(Activations.silu(convNormOut.forward(h))); // (B, 2·L, h, w)
    }
}
