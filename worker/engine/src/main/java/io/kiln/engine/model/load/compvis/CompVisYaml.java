package io.kiln.engine.model.load.compvis;

import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The CompVis config of a single-file checkpoint ({@code configs/stable-diffusion/v1-inference.yaml} or a copy named
 * after the checkpoint): the {@code UNetModel} and {@code AutoencoderKL} settings of a {@code LatentDiffusion}
 * model, translated into the diffusers configs Kiln builds its module trees from. Field meanings and defaults are
 * those of CompVis/stable-diffusion's {@code ldm} code; the translation follows diffusers' {@code
 * create_unet_diffusers_config} and {@code create_vae_diffusers_config}.
 *
 * <p>The text encoder is not described here: the yaml only names a Hugging Face model ({@code
 * cond_stage_config.params.version}), which the weights themselves must be trusted over.
 */
public final class CompVisYaml {
    private static final String UNET = "/model/params/unet_config/params";
    private static final String VAE = "/model/params/first_stage_config/params";
    private static final String VAE_CODER = VAE + "/ddconfig";

    // LatentDiffusion's default when the yaml leaves scale_factor out.
    private static final double DEFAULT_SCALE_FACTOR = 1.0;

    // CompVis reads its yaml with PyYAML (through OmegaConf), which follows YAML 1.1: v1-inference.yaml writes
    // `use_spatial_transformer: True`, a string to YAML 1.2 parsers such as Jackson's.
    private static final Set<String> YAML_1_1_TRUE =
            Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON");
    private static final Set<String> YAML_1_1_FALSE =
            Set.of("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF");

    private final Path file;
    private final JsonNode root;

    private CompVisYaml(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * The yaml that configures {@code checkpoint}: {@code <name>.yaml} beside it (the convention of SD front ends),
     * else the only {@code v1-inference*.yaml} in its folder; empty when there is neither.
     *
     * @throws IllegalArgumentException when the folder holds several {@code v1-inference*.yaml} and none is named
     *     after the checkpoint, so the choice would be a guess
     */
    public static Optional<Path> beside(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        int dot = name.lastIndexOf('.');
        Path named = checkpoint.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".yaml");
        if (Files.isRegularFile(named)) {
            return Optional.of(named);
        }
        Path folder = checkpoint.toAbsolutePath().getParent();
        List<Path> inference;
        try (Stream<Path> files = Files.list(folder)) {
            inference = files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith("v1-inference") && n.endsWith(".yaml") && Files.isRegularFile(f);
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + " for the config of " + checkpoint, e);
        }
        if (inference.size() > 1) {
            throw new IllegalArgumentException(folder + " holds several CompVis configs " + inference
                    + " and none is named " + named.getFileName() + ": name the one that fits " + name);
        }
        return inference.stream().findFirst();
    }

    /** Parses {@code file}. */
    public static CompVisYaml read(Path file) throws IOException {
        return new CompVisYaml(file, YAMLMapper.shared().readTree(Files.readString(file)));
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /**
     * The UNet: {@code model_channels × channel_mult} per level, cross-attention at the levels whose downsampling
     * factor 2^level is listed in {@code attention_resolutions}, {@code num_heads} heads everywhere. The sample size
     * is SD 1.x's 64 latents, not the yaml's stale {@code image_size} ({@link Sd1Defaults#LATENT_SIZE}).
     *
     * @throws IllegalArgumentException naming the field, for settings outside the SD 1.x family (no spatial
     *     transformer, per-level head counts from {@code num_head_channels}, per-level transformer depths)
     */
    public UNetConfig unet() {
        if (!bool(UNET, "use_spatial_transformer", false)) {
            throw invalid(UNET, "use_spatial_transformer", "must be true: the UNet must cross-attend to the text");
        }
        if (integer(UNET, "num_head_channels", -1) != -1) {
            throw invalid(
                    UNET,
                    "num_head_channels",
                    "unsupported: a fixed head width gives each level its own head count (SD 2.x); SD 1.x sets"
                            + " num_heads");
        }
        int modelChannels = integer(UNET, "model_channels");
        List<Integer> channelMult = integers(UNET, "channel_mult");
        List<Integer> attentionResolutions = integers(UNET, "attention_resolutions");
        List<Integer> blockOutChannels = new ArrayList<>();
        List<Boolean> crossAttention = new ArrayList<>();
        for (int level = 0; level < channelMult.size(); level++) {
            blockOutChannels.add(modelChannels * channelMult.get(level));
            crossAttention.add(attentionResolutions.contains(1 << level));
        }
        return new UNetConfig(
                integer(UNET, "in_channels"),
                integer(UNET, "out_channels"),
                blockOutChannels,
                crossAttention,
                integer(UNET, "num_res_blocks"),
                integer(UNET, "num_heads"),
                integer(UNET, "transformer_depth", 1),
                integer(UNET, "context_dim"),
                Sd1Defaults.NORM_GROUPS,
                Sd1Defaults.UNET_NORM_EPS,
                bool(UNET, "use_linear_in_transformer", false),
                // ldm's timestep_embedding puts the cosines first and spaces frequencies by 1/half (no shift).
                true,
                0,
                Sd1Defaults.LATENT_SIZE);
    }

    /**
     * The VAE: {@code ch × ch_mult} per level, {@code num_res_blocks} resnets, {@code embed_dim} latent channels and
     * the model's {@code scale_factor}; the sample size is SD 1.x's 512 pixels, not the yaml's stale
     * {@code resolution}.
     *
     * @throws IllegalArgumentException naming the field, for settings diffusers' {@code AutoencoderKL} cannot express
     *     (attention inside the levels, a single-moment latent, a quantizer narrower than the encoder output)
     */
    public AutoencoderKLConfig vae() {
        if (!integers(VAE_CODER, "attn_resolutions").isEmpty()) {
            throw invalid(VAE_CODER, "attn_resolutions", "unsupported: attention inside the levels (SD uses [])");
        }
        if (!bool(VAE_CODER, "double_z", true)) {
            throw invalid(VAE_CODER, "double_z", "must be true: the encoder outputs the mean and the log-variance");
        }
        int latentChannels = integer(VAE, "embed_dim");
        if (integer(VAE_CODER, "z_channels") != latentChannels) {
            throw invalid(VAE_CODER, "z_channels", "must equal embed_dim " + latentChannels);
        }
        int ch = integer(VAE_CODER, "ch");
        return new AutoencoderKLConfig(
                integer(VAE_CODER, "in_channels"),
                integer(VAE_CODER, "out_ch"),
                integers(VAE_CODER, "ch_mult").stream().map(mult -> ch * mult).toList(),
                integer(VAE_CODER, "num_res_blocks"),
                latentChannels,
                Sd1Defaults.NORM_GROUPS,
                Sd1Defaults.IMAGE_SIZE,
                number("/model/params", "scale_factor", DEFAULT_SCALE_FACTOR));
    }

    private JsonNode field(String section, String name) {
        return root.at(section).path(name);
    }

    private int integer(String section, String name) {
        JsonNode value = field(section, name);
        if (value.isMissingNode()) {
            throw invalid(section, name, "missing");
        }
        return integer(section, name, 0);
    }

    private int integer(String section, String name, int fallback) {
        JsonNode value = field(section, name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(section, name, "must be an integer, got " + value);
        }
        return value.intValue();
    }

    private List<Integer> integers(String section, String name) {
        JsonNode values = field(section, name);
        if (!values.isArray()) {
            throw invalid(
                    section, name, "must be a list of integers, got " + (values.isMissingNode() ? "nothing" : values));
        }
        List<Integer> list = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw invalid(section, name, "must be a list of integers, got " + values);
            }
            list.add(value.intValue());
        }
        return list;
    }

    private boolean bool(String section, String name, boolean fallback) {
        JsonNode value = field(section, name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String word = value.isString() ? value.stringValue() : "";
        if (YAML_1_1_TRUE.contains(word)) {
            return true;
        }
        if (YAML_1_1_FALSE.contains(word)) {
            return false;
        }
        throw invalid(section, name, "must be true or false, got " + value);
    }

    private double number(String section, String name, double fallback) {
        JsonNode value = field(section, name);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw invalid(section, name, "must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private IllegalArgumentException invalid(String section, String name, String problem) {
        String path = (section.substring(1) + "/" + name).replace('/', '.');
        return new IllegalArgumentException(file + ": " + path + ": " + problem);
    }
}
