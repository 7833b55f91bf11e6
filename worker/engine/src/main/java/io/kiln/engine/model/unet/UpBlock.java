package io.kiln.engine.model.unet;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.ResnetBlock2D;
import io.kiln.engine.model.nn.Transformer2D;
import io.kiln.engine.model.nn.Upsample2D;
import java.util.List;

/**
 * One level of the UNet's decoder: diffusers' {@code CrossAttnUpBlock2D} or {@code UpBlock2D}. Each resnet takes the
 * running features concatenated with the newest unused skip connection, one more resnet than the encoder level had
 * (so the downsampler's output is consumed too); every level but the last ends by upsampling.
 */
final class UpBlock extends Module {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2D> attentions;
    private final Upsample2D upsampler;

    /**
     * @param level the decoder level, 0 at the lowest resolution
     * @param previous channels coming from the level below
     */
    UpBlock(UNetConfig c, int level, long previous, AttentionSlicing slicing) {
        List<Integer> channels = c.blockOutChannels();
        int top = channels.size() - 1;
        long out = channels.get(top - level);
        long skipIn = channels.get(Math.max(top - level - 1, 0));
        int layers = c.layersPerBlock() + 1;
        this.resnets = child("resnets", new ModuleList<>(layers, i -> {
            long skip = i == layers - 1 ? skipIn : out;
            long running = i == 0 ? previous : out;
            return new ResnetBlock2D(running + skip, out, c.timeEmbeddingDim(), c.normNumGroups(), c.normEps());
        }));
        this.attentions = c.crossAttention().get(top - level)
                ? child("attentions", new ModuleList<>(layers, i -> UNet2DConditionModel.transformer(c, out, slicing)))
                : null;
        this.upsampler = level < top
                ? child("upsamplers", new ModuleList<>(1, i -> new Upsample2D(out)))
                        .get(0)
                : null;
    }

    /** (B, previous, h, w) → (B, out, 2h, 2w), consuming skips from the end of {@code skips}. */
    NDArray forward(NDArray h, NDArray timeEmbedding, NDArray context, List<NDArray> skips) {
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.removeLast(); // (B, skip, h, w)
            h = resnets.get(i).forward(h.concat(skip, 1), timeEmbedding); // (B, out, h, w)
            if (attentions != null) {
                h = attentions.get(i).forward(h, context); // (B, out, h, w)
            }
        }
        if (upsampler != null) {
            long[] target = skips.getLast().getShape().getShape(); // (B, skip, 2h, 2w): where this level came from
            h = upsampler.forward(h, target[2], target[3]); // (B, out, 2h, 2w)
        }
        return h;
    }
}
