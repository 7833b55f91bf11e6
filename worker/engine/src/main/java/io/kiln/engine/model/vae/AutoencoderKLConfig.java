package io.kiln.engine.model.vae;

import static io.kiln.engine.model.load.ConfigJson.integer;
import static io.kiln.engine.model.load.ConfigJson.integers;
import static io.kiln.engine.model.load.ConfigJson.number;
import static io.kiln.engine.model.load.ConfigJson.positive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings of diffusers' {@code AutoencoderKL} that shape the SD 1.x VAE, read from a diffusers
 * {@code vae/config.json}. A field the file leaves out takes diffusers' default.
 *
 * @param inChannels image channels the encoder reads (3)
 * @param outChannels image channels the decoder writes (3)
 * @param blockOutChannels channels per resolution level, finest first; the size halves between levels
 * @param layersPerBlock resnets per encoder level; every decoder level has one more
 * @param latentChannels channels of the latent z (4)
 * @param normNumGroups groups of every GroupNorm
 * @param sampleSize the image side the VAE was trained on
 * @param scalingFactor brings z to roughly unit variance for the diffusion model (0.18215 for SD 1.x)
 */
public record AutoencoderKLConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        int latentChannels,
        int normNumGroups,
        int sampleSize,
        double scalingFactor) {

    private static final String DOWN_TYPE = "DownEncoderBlock2D";
    private static final String UP_TYPE = "UpDecoderBlock2D";

    public AutoencoderKLConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        List<String> bad = new ArrayList<>();
        positive(bad, "in_channels", inChannels);
        positive(bad, "out_channels", outChannels);
        positive(bad, "layers_per_block", layersPerBlock);
        positive(bad, "latent_channels", latentChannels);
        positive(bad, "norm_num_groups", normNumGroups);
        positive(bad, "sample_size", sampleSize);
        if (blockOutChannels.isEmpty()) {
            bad.add("block_out_channels: must not be empty");
        }
        for (int channels : blockOutChannels) {
            if (channels < 1 || normNumGroups < 1 || channels % normNumGroups != 0) {
                bad.add("block_out_channels: " + channels + " does not split into norm_num_groups " + normNumGroups);
            }
        }
        if (!(scalingFactor > 0) || Double.isInfinite(scalingFactor)) {
            bad.add("scaling_factor: must be a positive number, got " + scalingFactor);
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid VAE config: " + String.join("; ", bad));
        }
    }

    /** How many resolution levels the encoder and the decoder have. */
    public int levels() {
        return blockOutChannels.size();
    }

    /** The image side per latent side, diffusers' {@code vae_scale_factor}: 2 per level after the first. */
    public int spatialScaleFactor() {
        return 1 << (levels() - 1);
    }

    /** Reads a diffusers {@code vae/config.json}. */
    public static AutoencoderKLConfig read(Path file) throws IOException {
        return parse(JsonMapper.shared().readTree(Files.readString(file)));
    }

    /** Builds the config from the parsed JSON, refusing the block types and activations SD 1.x does not use. */
    static AutoencoderKLConfig parse(JsonNode c) {
        List<Integer> channels = integers(c, "block_out_channels", List.of(64));
        requireTypes(c, "down_block_types", DOWN_TYPE, channels.size());
        requireTypes(c, "up_block_types", UP_TYPE, channels.size());
        String activation = c.path("act_fn").asString("silu");
        if (!activation.equals("silu")) {
            throw new IllegalArgumentException("act_fn: unsupported " + activation + " (supported: silu)");
        }
        return new AutoencoderKLConfig(
                integer(c, "in_channels", 3),
                integer(c, "out_channels", 3),
                channels,
                integer(c, "layers_per_block", 1),
                integer(c, "latent_channels", 4),
                integer(c, "norm_num_groups", 32),
                integer(c, "sample_size", 32),
                number(c, "scaling_factor", 0.18215));
    }

    private static void requireTypes(JsonNode c, String field, String supported, int levels) {
        JsonNode types = c.path(field);
        if (types.isMissingNode()) {
            return;
        }
        if (!types.isArray() || types.size() != levels) {
            throw new IllegalArgumentException(
                    field + ": expected " + levels + " entries (one per block_out_channels), got " + types);
        }
        for (JsonNode type : types) {
            if (!type.asString("").equals(supported)) {
                throw new IllegalArgumentException(field + ": unsupported " + type + " (supported: " + supported + ")");
            }
        }
    }
}
