package io.kiln.engine.model.load.compvis;

import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one table between the diffusers/transformers checkpoint keys that Kiln's module tree is named by and the keys
 * of the original single-file (CompVis/LDM) checkpoint, one component at a time. It is the inverse of diffusers
 * v0.27.2 {@code scripts/convert_diffusers_to_original_stable_diffusion.py}, generalised from that script's fixed SD
 * 1.x counts to any number of levels, resnets per level and attention levels read from the config.
 *
 * <p>Each row maps a module path; the names below it either stay the same (transformers, up/downsamplers) or follow
 * the row's inner-name table (resnets, the VAE attention). Keys resolve by their longest mapped prefix, in either
 * direction.
 */
public final class OriginalKeyMap {
    /** The UNet's keys in the single file: LatentDiffusion.model (DiffusionWrapper).diffusion_model. */
    public static final String UNET_PREFIX = "model.diffusion_model.";

    /** The VAE's keys: LatentDiffusion.first_stage_model. */
    public static final String VAE_PREFIX = "first_stage_model.";

    /** The CLIP text model's keys: LatentDiffusion.cond_stage_model (FrozenCLIPEmbedder).transformer. */
    public static final String TEXT_ENCODER_PREFIX = "cond_stage_model.transformer.";

    // diffusers ResnetBlock2D ↔ LDM ResBlock, whose layers are indices into nn.Sequential containers.
    private static final InnerNames UNET_RESNET = InnerNames.of(Map.of(
            "norm1", "in_layers.0",
            "conv1", "in_layers.2",
            "time_emb_proj", "emb_layers.1",
            "norm2", "out_layers.0",
            "conv2", "out_layers.3",
            "conv_shortcut", "skip_connection"));

    // diffusers ResnetBlock2D ↔ LDM's VAE ResnetBlock: only the 1×1 shortcut is named differently.
    private static final InnerNames VAE_RESNET = InnerNames.of(Map.of(
            "norm1", "norm1",
            "conv1", "conv1",
            "norm2", "norm2",
            "conv2", "conv2",
            "conv_shortcut", "nin_shortcut"));

    // diffusers Attention ↔ LDM AttnBlock, which computes q, k, v and the output projection with 1×1 convolutions.
    private static final InnerNames VAE_ATTENTION = new InnerNames(
            Map.of(
                    "group_norm", "norm",
                    "to_q", "q",
                    "to_k", "k",
                    "to_v", "v",
                    "to_out.0", "proj_out"),
            Set.of("to_q", "to_k", "to_v", "to_out.0"));

    private final String component;
    private final String filePrefix;
    private final Map<String, Row> byDiffusers;
    private final Map<String, Row> byOriginal;

    private OriginalKeyMap(Table table) {
        this.component = table.component;
        this.filePrefix = table.filePrefix;
        this.byDiffusers = Map.copyOf(table.byDiffusers);
        this.byOriginal = Map.copyOf(table.byOriginal);
    }

    /** The UNet ({@code model.diffusion_model.*}): levels, resnets per level and attention levels from {@code c}. */
    public static OriginalKeyMap unet(UNetConfig c) {
        Table t = new Table("UNet", UNET_PREFIX);
        t.same("time_embedding.linear_1", "time_embed.0");
        t.same("time_embedding.linear_2", "time_embed.2");
        t.same("conv_in", "input_blocks.0.0");

        // input_blocks: conv_in, then per level `layers` × (resnet [, transformer]) and one downsampler but the last.
        int levels = c.blockOutChannels().size();
        int layers = c.layersPerBlock();
        int blocksPerLevel = layers + 1;
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < layers; j++) {
                int block = blocksPerLevel * i + j + 1;
                t.row("down_blocks." + i + ".resnets." + j, "input_blocks." + block + ".0", UNET_RESNET);
                if (c.crossAttention().get(i)) {
                    t.same("down_blocks." + i + ".attentions." + j, "input_blocks." + block + ".1");
                }
            }
            if (i < levels - 1) {
                t.same(
                        "down_blocks." + i + ".downsamplers.0.conv",
                        "input_blocks." + blocksPerLevel * (i + 1) + ".0.op");
            }
        }

        t.row("mid_block.resnets.0", "middle_block.0", UNET_RESNET);
        t.same("mid_block.attentions.0", "middle_block.1");
        t.row("mid_block.resnets.1", "middle_block.2", UNET_RESNET);

        // output_blocks: per level, lowest resolution first, `layers + 1` × (resnet [, transformer] [, upsampler]);
        // the upsampler shares the last output block and follows its transformer when the level has one.
        for (int i = 0; i < levels; i++) {
            boolean attention = c.crossAttention().get(levels - 1 - i);
            for (int j = 0; j <= layers; j++) {
                int block = blocksPerLevel * i + j;
                t.row("up_blocks." + i + ".resnets." + j, "output_blocks." + block + ".0", UNET_RESNET);
                if (attention) {
                    t.same("up_blocks." + i + ".attentions." + j, "output_blocks." + block + ".1");
                }
            }
            if (i < levels - 1) {
                int block = blocksPerLevel * i + layers;
                t.same("up_blocks." + i + ".upsamplers.0", "output_blocks." + block + (attention ? ".2" : ".1"));
            }
        }

        t.same("conv_norm_out", "out.0");
        t.same("conv_out", "out.2");
        return new OriginalKeyMap(t);
    }

    /** The VAE ({@code first_stage_model.*}): levels and resnets per level from {@code c}. */
    public static OriginalKeyMap vae(AutoencoderKLConfig c) {
        Table t = new Table("VAE", VAE_PREFIX);
        int levels = c.levels();
        int layers = c.layersPerBlock();

        t.same("encoder.conv_in", "encoder.conv_in");
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < layers; j++) {
                t.row("encoder.down_blocks." + i + ".resnets." + j, "encoder.down." + i + ".block." + j, VAE_RESNET);
            }
            if (i < levels - 1) {
                t.same("encoder.down_blocks." + i + ".downsamplers.0", "encoder.down." + i + ".downsample");
            }
        }
        midBlock(t, "encoder");
        t.same("encoder.conv_norm_out", "encoder.norm_out");
        t.same("encoder.conv_out", "encoder.conv_out");

        t.same("quant_conv", "quant_conv");
        t.same("post_quant_conv", "post_quant_conv");

        // LDM numbers the decoder levels by resolution like the encoder (up.0 is the finest, run last); diffusers
        // numbers them in execution order (up_blocks.0 is the coarsest).
        t.same("decoder.conv_in", "decoder.conv_in");
        midBlock(t, "decoder");
        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i;
            for (int j = 0; j <= layers; j++) {
                t.row("decoder.up_blocks." + i + ".resnets." + j, "decoder.up." + level + ".block." + j, VAE_RESNET);
            }
            if (i < levels - 1) {
                t.same("decoder.up_blocks." + i + ".upsamplers.0", "decoder.up." + level + ".upsample");
            }
        }
        t.same("decoder.conv_norm_out", "decoder.norm_out");
        t.same("decoder.conv_out", "decoder.conv_out");
        return new OriginalKeyMap(t);
    }

    private static void midBlock(Table t, String coder) {
        t.row(coder + ".mid_block.resnets.0", coder + ".mid.block_1", VAE_RESNET);
        t.row(coder + ".mid_block.attentions.0", coder + ".mid.attn_1", VAE_ATTENTION);
        t.row(coder + ".mid_block.resnets.1", coder + ".mid.block_2", VAE_RESNET);
    }

    /**
     * The CLIP text model ({@code cond_stage_model.transformer.*}): LDM's {@code FrozenCLIPEmbedder} holds a
     * transformers {@code CLIPTextModel}, so its keys are the transformers keys under one prefix.
     */
    public static OriginalKeyMap textEncoder() {
        Table t = new Table("text encoder", TEXT_ENCODER_PREFIX);
        t.same("text_model", "text_model");
        return new OriginalKeyMap(t);
    }

    /** The component this map covers, for messages. */
    public String component() {
        return component;
    }

    /** The key of the single file that holds diffusers key {@code key}, or empty when no row maps it. */
    public Optional<OriginalKey> toOriginal(String key) {
        return longestPrefix(key, byDiffusers).flatMap(row -> {
            String rest = key.substring(row.diffusers.length() + 1);
            return row.inner
                    .toOriginal(rest)
                    .map(inner -> new OriginalKey(
                            filePrefix + row.original + "." + inner, row.inner.storesLinearAsConv(rest)));
        });
    }

    /** The diffusers key of single-file key {@code fileKey}, or empty when it belongs to no row of this component. */
    public Optional<String> toDiffusers(String fileKey) {
        if (!fileKey.startsWith(filePrefix)) {
            return Optional.empty();
        }
        String key = fileKey.substring(filePrefix.length());
        return longestPrefix(key, byOriginal).flatMap(row -> row.inner
                .toDiffusers(key.substring(row.original.length() + 1))
                .map(inner -> row.diffusers + "." + inner));
    }

    private static Optional<Row> longestPrefix(String key, Map<String, Row> rows) {
        for (int dot = key.lastIndexOf('.'); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            Row row = rows.get(key.substring(0, dot));
            if (row != null) {
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }

    /**
     * Where a diffusers tensor is stored in the single file.
     *
     * @param name the full key in the file, component prefix included
     * @param linearAsConv1x1 whether a linear weight [out, in] is stored as a 1×1 convolution [out, in, 1, 1]
     */
    public record OriginalKey(String name, boolean linearAsConv1x1) {}

    /** One row of the table: a diffusers module path, its original path, and how the names below them map. */
    private record Row(String diffusers, String original, InnerNames inner) {}

    /**
     * How the names below a row's module translate. Either they are kept, or each leaf module is listed (the parameter
     * name after it, {@code weight} or {@code bias}, is kept) and anything unlisted is not mapped.
     */
    private static final class InnerNames {
        static final InnerNames SAME = new InnerNames(Map.of(), Set.of());

        private final Map<String, String> toOriginal;
        private final Map<String, String> toDiffusers;
        private final Set<String> linearsStoredAsConv;

        /**
         * @param toOriginal diffusers leaf module → original leaf module; empty keeps every name
         * @param linearsStoredAsConv diffusers leaf modules whose linear weight the original stores as a 1×1 conv
         */
        InnerNames(Map<String, String> toOriginal, Set<String> linearsStoredAsConv) {
            this.toOriginal = Map.copyOf(toOriginal);
            this.toDiffusers = toOriginal.entrySet().stream()
                    .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
            this.linearsStoredAsConv = Set.copyOf(linearsStoredAsConv);
        }

        static InnerNames of(Map<String, String> toOriginal) {
            return new InnerNames(toOriginal, Set.of());
        }

        Optional<String> toOriginal(String rest) {
            return translate(rest, toOriginal);
        }

        Optional<String> toDiffusers(String rest) {
            return translate(rest, toDiffusers);
        }

        boolean storesLinearAsConv(String rest) {
            return rest.endsWith(".weight") && linearsStoredAsConv.contains(leafModule(rest));
        }

        private static Optional<String> translate(String rest, Map<String, String> names) {
            if (names.isEmpty()) {
                return Optional.of(rest);
            }
            String module = names.get(leafModule(rest));
            return module == null ? Optional.empty() : Optional.of(module + rest.substring(rest.lastIndexOf('.')));
        }

        private static String leafModule(String rest) {
            int dot = rest.lastIndexOf('.');
            return dot < 0 ? "" : rest.substring(0, dot);
        }
    }

    /** Collects the rows of one component, refusing a path mapped twice. */
    private static final class Table {
        private final String component;
        private final String filePrefix;
        private final Map<String, Row> byDiffusers = new HashMap<>();
        private final Map<String, Row> byOriginal = new HashMap<>();

        Table(String component, String filePrefix) {
            this.component = component;
            this.filePrefix = filePrefix;
        }

        void same(String diffusers, String original) {
            row(diffusers, original, InnerNames.SAME);
        }

        void row(String diffusers, String original, InnerNames inner) {
            Row row = new Row(diffusers, original, inner);
            if (byDiffusers.putIfAbsent(diffusers, row) != null || byOriginal.putIfAbsent(original, row) != null) {
                throw new IllegalStateException(
                        component + " key table maps " + diffusers + " or " + original + " twice");
            }
        }
    }
}
