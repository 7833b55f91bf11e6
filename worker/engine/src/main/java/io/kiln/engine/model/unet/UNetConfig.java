package io.kiln.engine.model.unet;

import static io.kiln.engine.model.load.ConfigJson.bool;
import static io.kiln.engine.model.load.ConfigJson.integer;
import static io.kiln.engine.model.load.ConfigJson.integers;
import static io.kiln.engine.model.load.ConfigJson.number;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The UNet2DConditionModel settings that shape the SD 1.x family, read from a diffusers {@code unet/config.json}.
 *
 * @param attentionHeads heads per transformer; diffusers stores this as {@code attention_head_dim} for SD 1.x (a
 *     naming quirk kept for compatibility) unless {@code num_attention_heads} is set
 */
public record UNetConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        List<Boolean> crossAttention,
        int layersPerBlock,
        int attentionHeads,
        int transformerLayersPerBlock,
        int crossAttentionDim,
        int normNumGroups,
        float normEps,
        boolean useLinearProjection,
        boolean flipSinToCos,
        int freqShift,
        int sampleSize) {

    private static final Set<String> DOWN_TYPES = Set.of("CrossAttnDownBlock2D", "DownBlock2D");

    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        crossAttention = List.copyOf(crossAttention);
        List<String> bad = new ArrayList<>();
        if (blockOutChannels.isEmpty()) {
            bad.add("block_out_channels: must not be empty");
        }
        if (crossAttention.size() != blockOutChannels.size()) {
            bad.add("down_block_types: " + crossAttention.size() + " blocks for " + blockOutChannels.size()
                    + " block_out_channels");
        }
        for (int channels : blockOutChannels) {
            if (channels % normNumGroups != 0 || channels % attentionHeads != 0) {
                bad.add("block_out_channels: " + channels + " must divide into norm_num_groups " + normNumGroups
                        + " and " + attentionHeads + " attention heads");
            }
        }
        if (layersPerBlock < 1) {
            bad.add("layers_per_block: must be ≥ 1");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid UNet config: " + String.join("; ", bad));
        }
    }

    /** Stable Diffusion 1.5's UNet (860 M parameters), for benchmarks with random weights. */
    public static UNetConfig sd15() {
        return new UNetConfig(
                4,
                4,
                List.of(320, 640, 1280, 1280),
                List.of(true, true, true, false),
                2,
                8,
                1,
                768,
                32,
                1e-5f,
                false,
                true,
                0,
                64);
    }

    /** The width of the timestep embedding: four times the first block's channels. */
    public int timeEmbeddingDim() {
        return blockOutChannels.get(0) * 4;
    }

    /** How many times the UNet halves the latents: once per down block but the last. */
    public int downsamplings() {
        return blockOutChannels.size() - 1;
    }

    /** Reads a diffusers {@code config.json}. */
    public static UNetConfig read(Path file) throws IOException {
        return parse(JsonMapper.shared().readTree(Files.readString(file)));
    }

    static UNetConfig parse(JsonNode c) {
        List<Integer> channels = integers(c, "block_out_channels", List.of(320, 640, 1280, 1280));
        List<Boolean> cross = new ArrayList<>();
        for (JsonNode type : c.get("down_block_types")) {
            if (!DOWN_TYPES.contains(type.asString())) {
                throw new IllegalArgumentException(
                        "down_block_types: unsupported " + type.asString() + " (supported: " + DOWN_TYPES + ")");
            }
            cross.add(type.asString().startsWith("CrossAttn"));
        }
        JsonNode heads = c.path("num_attention_heads").isNull()
                        || c.path("num_attention_heads").isMissingNode()
                ? c.get("attention_head_dim")
                : c.get("num_attention_heads");
        return new UNetConfig(
                integer(c, "in_channels", 4),
                integer(c, "out_channels", 4),
                channels,
                cross,
                integer(c, "layers_per_block", 2),
                heads.isArray() ? heads.get(0).asInt() : heads.asInt(8),
                integer(c, "transformer_layers_per_block", 1),
                integer(c, "cross_attention_dim", 768),
                integer(c, "norm_num_groups", 32),
                (float) number(c, "norm_eps", 1e-5),
                bool(c, "use_linear_projection", false),
                bool(c, "flip_sin_to_cos", true),
                integer(c, "freq_shift", 0),
                integer(c, "sample_size", 64));
    }
}
