package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Attention;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.GroupNorm;

/**
 * The self-attention of the VAE's bottleneck over the positions of its feature map: one head as wide as the map,
 * {@code group_norm} before it, biased projections and a residual. This is diffusers' {@code Attention} as
 * {@code UNetMidBlock2D} configures it ({@code residual_connection=True}, {@code rescale_output_factor=1}), the
 * block diffusers called {@code AttentionBlock} before 0.14 and CompVis calls {@code AttnBlock}; its projections sit
 * beside {@code group_norm} under the block's key.
 *
 * <p>Shapes: B batch, C channels, H×W map, T = H·W positions.
 */
final class AttentionBlock extends Attention {
    private final GroupNorm groupNorm;

    AttentionBlock(long channels, int groups, AttentionSlicing slicing) {
        super(channels, channels, 1, channels, true, slicing);
        this.groupNorm = child("group_norm", new GroupNorm(groups, channels, AutoencoderKL.NORM_EPS));
    }

    /** Every position of the map attends to every other: (B, C, H, W) → (B, C, H, W). */
    @Override
    public NDArray forward(NDArray x) {
        long[] d = x.getShape().getShape();
        NDArray tokens = groupNorm.forward(x).reshape(d[0], d[1], d[2] * d[3]).transpose(0, 2, 1); // (B, T, C)
        NDArray attended = super.forward(tokens, tokens); // (B, T, C)
        return attended.transpose(0, 2, 1).reshape(d).add(x); // (B, C, H, W)
    }
}
