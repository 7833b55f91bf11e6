package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import io.kiln.engine.model.safetensors.SafetensorsWriter;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import io.kiln.engine.train.shapes.ShapesVocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The diffusers folder the recipe trains into: {@code model_index.json}, {@code vae/}, {@code text_encoder/},
 * {@code tokenizer/}, {@code unet/} and {@code scheduler/}, configured from the architecture files kept beside this
 * class. Each stage writes its components' configs before it builds them and builds them by reading those configs
 * back, so the trained modules are exactly what the engine's loader will build; weights are written as fp16.
 */
public final class ShapesModelFolder {
    private static final String TEMPLATES = "kiln-shapes/";
    private static final String WEIGHTS = "diffusion_pytorch_model.safetensors";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    public ShapesModelFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the autoencoder's config as the architecture gives it and returns it. */
    AutoencoderKLConfig prepareVae() throws IOException {
        Path config = write("vae/config.json", template("vae/config.json"));
        return AutoencoderKLConfig.read(config);
    }

    /** Writes the autoencoder's weights and its measured {@code scaling_factor}. */
    void writeVae(AutoencoderKL vae, double scalingFactor) throws IOException {
        ObjectNode config = template("vae/config.json");
        config.put("scaling_factor", scalingFactor);
        write("vae/config.json", config);
        writeWeights(dir.resolve("vae").resolve(WEIGHTS), vae);
    }

    /** The trained autoencoder of stage 1, in fp32 on {@code manager}. */
    AutoencoderKL loadVae(NDManager manager) throws IOException {
        Path vaeDir = dir.resolve("vae");
        if (!Files.exists(vaeDir.resolve(WEIGHTS))) {
            throw new IllegalStateException(
                    dir + " has no trained autoencoder: run `kiln train vae --out " + dir + "` first");
        }
        AutoencoderKL vae =
                new AutoencoderKL(AutoencoderKLConfig.read(vaeDir.resolve("config.json")), AttentionSlicing.AUTO);
        try (SafetensorsFile file = SafetensorsFile.open(vaeDir.resolve(WEIGHTS))) {
            StateDictLoader.load(vae, TensorSource.of(file), manager, DataType.FLOAT32);
        }
        return vae;
    }

    /**
     * Writes stage 2's configs (tokenizer, text encoder sized to its vocabulary, UNet, scheduler, model index) and
     * returns the tokenizer.
     */
    ClipTokenizer prepareLdm() throws IOException {
        Path tokenizerDir = dir.resolve("tokenizer");
        ShapesVocabulary.write(tokenizerDir);
        int vocabulary = JSON.readTree(Files.readString(tokenizerDir.resolve("vocab.json")))
                .size();
        ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerDir);
        ObjectNode textEncoder = template("text_encoder/config.json");
        textEncoder.put("vocab_size", vocabulary);
        textEncoder.put("max_position_embeddings", tokenizer.maxLength());
        textEncoder.put("bos_token_id", tokenizer.bosId());
        textEncoder.put("eos_token_id", tokenizer.eosId());
        textEncoder.put("pad_token_id", tokenizer.padId());
        write("text_encoder/config.json", textEncoder);
        write("unet/config.json", template("unet/config.json"));
        write("scheduler/scheduler_config.json", template("scheduler/scheduler_config.json"));
        write("model_index.json", template("model_index.json"));
        return tokenizer;
    }

    CLIPTextConfig textEncoderConfig() throws IOException {
        return CLIPTextConfig.read(dir.resolve("text_encoder/config.json"));
    }

    UNetConfig unetConfig() throws IOException {
        return UNetConfig.read(dir.resolve("unet/config.json"));
    }

    Path schedulerConfig() {
        return dir.resolve("scheduler/scheduler_config.json");
    }

    void writeTextEncoder(CLIPTextModel textEncoder) {
        writeWeights(dir.resolve("text_encoder/model.safetensors"), textEncoder);
    }

    void writeUnet(UNet2DConditionModel unet) {
        writeWeights(dir.resolve("unet").resolve(WEIGHTS), unet);
    }

    private static void writeWeights(Path file, Module module) {
        try (NDScope ignored = new NDScope()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            module.namedParameters()
                    .forEach((key, parameter) -> half.put(key, parameter.array().toType(DataType.FLOAT16, true)));
            // diffusers and transformers look for the format safetensors' torch API records.
            SafetensorsWriter.write(file, half, Map.of("format", "pt"));
        }
    }

    private Path write(String relative, JsonNode content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n");
        return file;
    }

    private static ObjectNode template(String relative) {
        try (InputStream in = ShapesModelFolder.class.getResourceAsStream(TEMPLATES + relative)) {
            if (in == null) {
                throw new IllegalStateException("the kiln-shapes architecture file " + relative + " is not packaged");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
