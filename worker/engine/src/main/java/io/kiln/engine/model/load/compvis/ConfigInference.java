package io.kiln.engine.model.load.compvis;

import static io.kiln.engine.model.load.compvis.OriginalKeyMap.TEXT_ENCODER_PREFIX;
import static io.kiln.engine.model.load.compvis.OriginalKeyMap.UNET_PREFIX;
import static io.kiln.engine.model.load.compvis.OriginalKeyMap.VAE_PREFIX;

import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.HiddenAct;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configs read off the tensor shapes of an original single-file checkpoint, for files that come without their
 * CompVis yaml. Widths, depths and which levels attend are all visible in the weights. What is not — head counts
 * (heads only split a width), the resolution and the VAE's latent scale — takes the value every released SD 1.x
 * model uses ({@link Sd1Defaults}).
 */
public final class ConfigInference {
    private static final String TEXT_MODEL = TEXT_ENCODER_PREFIX + "text_model.";

    private final TensorSource file;

    private ConfigInference(TensorSource file) {
        this.file = file;
    }

    /**
     * The UNet: {@code input_blocks} hold conv_in, then per level {@code layers_per_block} resnets (each with a
     * transformer where the level attends) and a downsampler {@code op} on all but the last level.
     */
    public static UNetConfig unet(TensorSource file) {
        ConfigInference in = new ConfigInference(file);
        String p = UNET_PREFIX;
        int inputBlocks = in.numbered(p + "input_blocks.");
        int downsamplers = in.matching(p + "input_blocks.", ".0.op.weight");
        int levels = downsamplers + 1;
        int blocksPerLevel = inputBlocks / levels;
        int outputBlocks = in.numbered(p + "output_blocks.");
        if (inputBlocks != levels * blocksPerLevel || outputBlocks != levels * blocksPerLevel) {
            throw new CheckpointException(file.description() + ": " + inputBlocks + " input_blocks and " + outputBlocks
                    + " output_blocks do not form " + levels + " UNet levels");
        }
        List<Integer> blockOutChannels = new ArrayList<>();
        List<Boolean> crossAttention = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            String firstBlock = p + "input_blocks." + (blocksPerLevel * level + 1);
            blockOutChannels.add((int) in.dim(firstBlock + ".0.out_layers.3.weight", 0));
            crossAttention.add(file.keys().contains(firstBlock + ".1.proj_in.weight"));
        }
        String midTransformer = p + "middle_block.1.";
        return new UNetConfig(
                (int) in.dim(p + "input_blocks.0.0.weight", 1),
                (int) in.dim(p + "out.2.weight", 0),
                blockOutChannels,
                crossAttention,
                blocksPerLevel - 1,
                Sd1Defaults.UNET_HEADS,
                in.numbered(midTransformer + "transformer_blocks."),
                (int) in.dim(midTransformer + "transformer_blocks.0.attn2.to_k.weight", 1),
                Sd1Defaults.NORM_GROUPS,
                Sd1Defaults.UNET_NORM_EPS,
                // A linear projection is a [C, C] matrix, the convolution it replaces a [C, C, 1, 1] kernel.
                in.shape(midTransformer + "proj_in.weight").dimension() == 2,
                // ldm's timestep_embedding puts the cosines first and spaces frequencies by 1/half (no shift).
                true,
                0,
                Sd1Defaults.LATENT_SIZE);
    }

    /**
     * The VAE: {@code encoder.down.i} per level with {@code block.j} resnets; the latent width from
     * {@code post_quant_conv}. The latent scale cannot be seen and is SD 1.x's 0.18215.
     */
    public static AutoencoderKLConfig vae(TensorSource file) {
        ConfigInference in = new ConfigInference(file);
        String p = VAE_PREFIX;
        int levels = in.numbered(p + "encoder.down.");
        List<Integer> blockOutChannels = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            blockOutChannels.add((int) in.dim(p + "encoder.down." + level + ".block.0.conv1.weight", 0));
        }
        return new AutoencoderKLConfig(
                (int) in.dim(p + "encoder.conv_in.weight", 1),
                (int) in.dim(p + "decoder.conv_out.weight", 0),
                blockOutChannels,
                in.numbered(p + "encoder.down.0.block."),
                (int) in.dim(p + "post_quant_conv.weight", 0),
                Sd1Defaults.NORM_GROUPS,
                Sd1Defaults.IMAGE_SIZE,
                Sd1Defaults.SCALE_FACTOR);
    }

    /**
     * The CLIP text model with {@code hidden / 64} heads, as in every released CLIP text tower.
     *
     * @throws CheckpointException when the hidden size is no multiple of 64, so the head count is unknown: give it
     *     with {@link #textEncoder(TensorSource, int)}
     */
    public static CLIPTextConfig textEncoder(TensorSource file) {
        int hidden = (int) new ConfigInference(file).dim(TEXT_MODEL + "embeddings.token_embedding.weight", 1);
        if (hidden % Sd1Defaults.CLIP_HEAD_WIDTH != 0) {
            throw new CheckpointException(file.description() + ": the text encoder's width " + hidden
                    + " is no multiple of CLIP's head width " + Sd1Defaults.CLIP_HEAD_WIDTH
                    + ", so its head count must be given");
        }
        return textEncoder(file, hidden / Sd1Defaults.CLIP_HEAD_WIDTH);
    }

    /**
     * The CLIP text model with {@code heads} heads: vocabulary and width from the token embedding, the context length
     * from the position embedding, depth from the layers present, the MLP width from {@code fc1}. The activation,
     * LayerNorm epsilon and special-token ids are those of SD 1.x's {@code text_encoder/config.json}.
     */
    public static CLIPTextConfig textEncoder(TensorSource file, int heads) {
        ConfigInference in = new ConfigInference(file);
        String p = TEXT_MODEL;
        Shape tokens = in.shape(p + "embeddings.token_embedding.weight");
        return new CLIPTextConfig(
                (int) tokens.get(0),
                (int) tokens.get(1),
                (int) in.dim(p + "encoder.layers.0.mlp.fc1.weight", 0),
                heads,
                in.numbered(p + "encoder.layers."),
                (int) in.dim(p + "embeddings.position_embedding.weight", 0),
                Sd1Defaults.CLIP_LAYER_NORM_EPS,
                HiddenAct.QUICK_GELU,
                Sd1Defaults.CLIP_BOS,
                Sd1Defaults.CLIP_EOS,
                Sd1Defaults.CLIP_PAD);
    }

    private Shape shape(String key) {
        if (!file.keys().contains(key)) {
            throw new CheckpointException(file.description() + ": cannot infer the config without " + key
                    + " (is this an SD 1.x checkpoint?)");
        }
        return file.shape(key);
    }

    private long dim(String key, int axis) {
        Shape shape = shape(key);
        if (axis >= shape.dimension()) {
            throw new CheckpointException(file.description() + ": " + key + " has shape " + shape
                    + ", expected at least " + (axis + 1) + " dimensions");
        }
        return shape.get(axis);
    }

    /** How many numbered children {@code <prefix>0.…}, {@code <prefix>1.…}, … there are, refusing a gap. */
    private int numbered(String prefix) {
        Pattern index = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\.");
        Set<Integer> found = new TreeSet<>();
        for (String key : file.keys()) {
            Matcher m = index.matcher(key);
            if (m.lookingAt()) {
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        int expected = 0;
        for (int n : found) {
            if (n != expected) {
                throw new CheckpointException(file.description() + ": " + prefix + n + ".* is there but " + prefix
                        + expected + ".* is missing");
            }
            expected++;
        }
        return found.size();
    }

    /** How many keys are {@code <prefix><n><suffix>} for some number n. */
    private int matching(String prefix, String suffix) {
        Pattern key = Pattern.compile(Pattern.quote(prefix) + "\\d+" + Pattern.quote(suffix));
        return (int) file.keys().stream().filter(k -> key.matcher(k).matches()).count();
    }
}
