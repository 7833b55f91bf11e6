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
 * The VAE decoder, diffusers' {@code Decoder}: a latent z back to an image f times larger, through the levels of
 * the encoder in reverse, each with one resnet more than its encoder level.
 *
 * <p>Shapes: B batch, L latent channels, h×w latent, C_i channels of encoder level i, f = 2^(levels−1).
 */
final class Decoder extends Module {
    private final Conv2d convIn;
    private final UNetMidBlock2D midBlock;
    private final ModuleList<UpDecoderBlock2D> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    Decoder(AutoencoderKLConfig c, AttentionSlicing slicing) {
        List<Integer> reversed = c.blockOutChannels().reversed();
        int levels = c.levels();
        long deepest = reversed.get(0);
        long finest = reversed.get(levels - 1);
        this.convIn = child("conv_in", Conv2d.same(c.latentChannels(), deepest, 3));
        this.midBlock = child("mid_block", new UNetMidBlock2D(deepest, c.normNumGroups(), slicing));
        this.upBlocks = child(
                "up_blocks",
                new ModuleList<>(
                        levels,
                        i -> new UpDecoderBlock2D(
                                reversed.get(Math.max(i - 1, 0)),
                                reversed.get(i),
                                c.layersPerBlock() + 1,
                                c.normNumGroups(),
                                i < levels - 1)));
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), finest, AutoencoderKL.NORM_EPS));
        this.convOut = child("conv_out", Conv2d.same(finest, c.outChannels(), 3));
    }

    /** (B, L, h, w) → (B, 3, f·h, f·w). */
    NDArray forward(NDArray z) {
        NDArray h = convIn.forward(z); // (B, C_last, h, w)
        h = midBlock.forward(h); // (B, C_last, h, w)
        for (UpDecoderBlock2D block : upBlocks) {
            h = block.forward(h); // (B, C_(last−i), 2^(i+1)·h, 2^(i+1)·w), the last level not doubled
        }
        return convOut.forward(Activations.silu(convNormOut.forward(h))); // (B, 3, f·h, f·w)
    }
}
