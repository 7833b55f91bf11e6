package io.kiln.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import io.kiln.engine.model.safetensors.SafetensorsWriter;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import io.kiln.engine.random.TorchGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a complete diffusers folder with random weights in the shapes of the parity tests' {@code tiny} model
 * (diffusers' own test pipeline: UNet channels 32 and 64, a two-level VAE with 4 latent channels, a 5-layer, 32-wide
 * CLIP text encoder) and SD 1.5's scheduler, so that a benchmark runs in a fresh clone, which holds no model.
 *
 * <p>The configs are diffusers' and transformers' own files, kept as resources beside this class. The weights are
 * drawn for the parameters of the engine's module trees built from those very configs, so every key and shape is
 * what {@link ModelLoader} reads. The tokenizer is CLIP's byte level without merges: every byte is a token.
 */
public final class TinyRandomModel {
    /** The folder's name, which is also the model's name in requests and logs. */
    public static final String NAME = "tiny-random";

    private static final List<String> CONFIGS = List.of(
            "model_index.json",
            "scheduler/scheduler_config.json",
            "unet/config.json",
            "vae/config.json",
            "text_encoder/config.json",
            "tokenizer/tokenizer_config.json");

    /** One seed for the whole model: the same weights every run, so that runs compare. */
    private static final long SEED = 0;

    private TinyRandomModel() {}

    /** Writes the model into {@code parent}/{@value #NAME}, replacing any files of the same names, and returns it. */
    public static Path writeInto(Path parent) throws IOException {
        Path folder = parent.resolve(NAME);
        for (String config : CONFIGS) {
            copyResource(config, folder.resolve(config));
        }
        writeTokenizer(folder.resolve("tokenizer"));
        TorchGenerator random = new TorchGenerator(SEED);
        writeWeights(
                new CLIPTextModel(CLIPTextConfig.read(folder.resolve("text_encoder/config.json"))),
                folder.resolve("text_encoder/model.safetensors"),
                random);
        writeWeights(
                new UNet2DConditionModel(UNetConfig.read(folder.resolve("unet/config.json")), AttentionSlicing.AUTO),
                folder.resolve("unet/diffusion_pytorch_model.safetensors"),
                random);
        writeWeights(
                new AutoencoderKL(AutoencoderKLConfig.read(folder.resolve("vae/config.json")), AttentionSlicing.AUTO),
                folder.resolve("vae/diffusion_pytorch_model.safetensors"),
                random);
        return folder;
    }

    private static void copyResource(String name, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = TinyRandomModel.class.getResourceAsStream(NAME + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + NAME + "/" + name + " is missing from the build");
            }
            Files.write(target, in.readAllBytes());
        }
    }

    /**
     * The start of CLIP's own vocabulary and no merges: the 256 byte symbols, the same with the end-of-word marker,
     * then the start and end tokens, 514 ids within the text encoder's 1000.
     */
    private static void writeTokenizer(Path dir) throws IOException {
        List<String> bytes = byteSymbols();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        bytes.forEach(symbol -> vocab.put(symbol, vocab.size()));
        bytes.forEach(symbol -> vocab.put(symbol + "</w>", vocab.size()));
        vocab.put("<|startoftext|>", vocab.size());
        vocab.put("<|endoftext|>", vocab.size());
        Files.write(dir.resolve("vocab.json"), JsonMapper.shared().writeValueAsBytes(vocab));
        // the version line alone: with nothing to merge, every word stays split into its bytes
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
    }

    /**
     * GPT-2's {@code bytes_to_unicode}, in byte order, as the engine's tokenizer encodes bytes: the printable Latin-1
     * bytes stand for themselves, the other 68 for U+0100 onwards.
     */
    private static List<String> byteSymbols() {
        List<String> symbols = new ArrayList<>();
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            symbols.add(Character.toString(printable ? b : next++));
        }
        return symbols;
    }

    private static void writeWeights(Module module, Path file, TorchGenerator random) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> parameter :
                    module.namedParameters().entrySet()) {
                tensors.put(
                        parameter.getKey(),
                        initialValue(parameter.getKey(), parameter.getValue().shape(), random, manager));
            }
            // what diffusers and transformers record in the files they save
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        }
    }

    /**
     * torch's default initialisation, which the reference's tiny model keeps, but for the biases and the embeddings:
     * weights uniform in ±1/√fan_in ({@code kaiming_uniform_} with a = √5), norm scales 1, biases 0 where torch draws
     * small uniform ones, and the token and position embeddings uniform like weights where torch draws N(0, 1).
     * Weights of that size keep the activations, and so the decoded images, as varied as the reference's, and their
     * PNGs as large: the PNG encoding the worker benchmark times depends on what the images hold.
     */
    private static NDArray initialValue(String key, Shape shape, TorchGenerator random, NDManager manager) {
        if (shape.dimension() == 1) {
            return key.endsWith(".weight") ? manager.ones(shape) : manager.zeros(shape);
        }
        // (out, in, kh, kw) or (out, in): fan_in = in·kh·kw
        float bound = (float) (1 / Math.sqrt((double) shape.size() / shape.get(0)));
        float[] values = random.rand(shape.getShape());
        for (int i = 0; i < values.length; i++) {
            values[i] = (2 * values[i] - 1) * bound;
        }
        return manager.create(values, shape);
    }
}
