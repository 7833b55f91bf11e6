package io.kiln.engine.model;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.load.compvis.OriginalCheckpoint;
import io.kiln.engine.model.load.compvis.OriginalConfigs;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.sampling.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the checkpoints users already have: a diffusers folder ({@code model_index.json}, {@code unet/},
 * {@code vae/}, {@code text_encoder/}, {@code tokenizer/}), each component configured by its own
 * {@code config.json}, or one original (CompVis) {@code .safetensors} file with a tokenizer folder beside it.
 */
public final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    /**
     * Loads {@code model}.
     *
     * @param model a diffusers folder or an original single-file {@code .safetensors} checkpoint
     * @param tokenizer the tokenizer folder a single file needs (a diffusers folder carries its own)
     * @throws CheckpointException when a tensor is missing or misshapen, naming its key
     */
    public static StableDiffusionModel load(Path model, Optional<Path> tokenizer, ModelOptions options)
            throws IOException {
        if (Files.isDirectory(model)) {
            if (!Files.exists(model.resolve("model_index.json"))) {
                throw new CheckpointException(model + " is a folder without model_index.json: not a diffusers model");
            }
            return loadDiffusers(model, options);
        }
        if (!Files.isRegularFile(model) || !model.toString().endsWith(".safetensors")) {
            throw new CheckpointException(model + " is neither a diffusers folder nor a .safetensors checkpoint");
        }
        Path tokenizerDir = tokenizer.orElseThrow(() -> new CheckpointException(
                model + " is a single-file checkpoint: give its tokenizer folder (vocab.json, merges.txt)"));
        return loadSingleFile(model, tokenizerDir, OptionalInt.empty(), options);
    }

    private static StableDiffusionModel loadDiffusers(Path folder, ModelOptions options) throws IOException {
        NDManager weights = NDManager.newBaseManager(options.device());
        try {
            var textEncoder = new CLIPTextModel(CLIPTextConfig.read(folder.resolve("text_encoder/config.json")));
            var unet = new UNet2DConditionModel(UNetConfig.read(folder.resolve("unet/config.json")), options.slicing());
            var vae = new AutoencoderKL(AutoencoderKLConfig.read(folder.resolve("vae/config.json")), options.slicing());
            loadFile(textEncoder, weightsFile(folder.resolve("text_encoder"), "model"), weights, options);
            loadFile(unet, weightsFile(folder.resolve("unet"), "diffusion_pytorch_model"), weights, options);
            loadFile(vae, weightsFile(folder.resolve("vae"), "diffusion_pytorch_model"), weights, options);
            ClipTokenizer tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
            Path scheduler = folder.resolve("scheduler/scheduler_config.json");
            return new StableDiffusionModel(
                    folder.getFileName().toString(),
                    tokenizer,
                    textEncoder,
                    unet,
                    vae,
                    SchedulerConfig.read(scheduler),
                    shippedSampler(scheduler),
                    options,
                    weights);
        } catch (RuntimeException | IOException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Loads an original single-file checkpoint.
     *
     * @param textEncoderHeads the text encoder's head count, needed only when its width is no multiple of CLIP's
     *     64-wide heads (neither the weights nor the CompVis yaml record it)
     */
    public static StableDiffusionModel loadSingleFile(
            Path checkpoint, Path tokenizerDir, OptionalInt textEncoderHeads, ModelOptions options) throws IOException {
        NDManager weights = NDManager.newBaseManager(options.device());
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            TensorSource tensors = TensorSource.of(file);
            if (!OriginalCheckpoint.isOriginalLayout(tensors)) {
                throw new CheckpointException(
                        checkpoint + " has no model.diffusion_model.* keys: not an original SD checkpoint");
            }
            OriginalCheckpoint original = new OriginalCheckpoint(
                    tensors,
                    textEncoderHeads.isPresent()
                            ? OriginalConfigs.resolve(checkpoint, tensors, textEncoderHeads.getAsInt())
                            : OriginalConfigs.resolve(checkpoint, tensors));
            log.info("{}: configs from {}", checkpoint, original.configs().origin());
            if (!original.unusedKeys().isEmpty()) {
                log.warn(
                        "{}: {} keys belong to no component and are ignored: {}",
                        checkpoint,
                        original.unusedKeys().size(),
                        original.unusedKeys());
            }
            var textEncoder = new CLIPTextModel(original.configs().textEncoder());
            var unet = new UNet2DConditionModel(original.configs().unet(), options.slicing());
            var vae = new AutoencoderKL(original.configs().vae(), options.slicing());
            StateDictLoader.load(textEncoder, original.textEncoder(), weights, options.dtype());
            StateDictLoader.load(unet, original.unet(), weights, options.dtype());
            StateDictLoader.load(vae, original.vae(), weights, options.dtype());
            String name = checkpoint.getFileName().toString().replaceFirst("\\.safetensors$", "");
            // An original checkpoint records no sampler: SD 1.x's own schedule and PLMS, as its yaml's DDPM implies.
            return new StableDiffusionModel(
                    name,
                    ClipTokenizer.load(tokenizerDir),
                    textEncoder,
                    unet,
                    vae,
                    SchedulerConfig.stableDiffusion(),
                    Sampler.PLMS,
                    options,
                    weights);
        } catch (RuntimeException | IOException e) {
            weights.close();
            throw e;
        }
    }

    private static void loadFile(Module module, Path file, NDManager weights, ModelOptions options) {
        try (SafetensorsFile tensors = SafetensorsFile.open(file)) {
            StateDictLoader.load(module, TensorSource.of(tensors), weights, options.dtype());
        }
    }

    /** The sampler a diffusers folder ships, by its scheduler's class; PLMS where Kiln has no such class. */
    private static Sampler shippedSampler(Path schedulerConfig) throws IOException {
        String className = JsonMapper.shared()
                .readTree(Files.readString(schedulerConfig))
                .path("_class_name")
                .asString("PNDMScheduler");
        return switch (className) {
            case "DDIMScheduler" -> Sampler.DDIM;
            case "DDPMScheduler" -> Sampler.DDPM;
            case "EulerDiscreteScheduler" -> Sampler.EULER;
            case "EulerAncestralDiscreteScheduler" -> Sampler.EULER_ANCESTRAL;
            case "DPMSolverMultistepScheduler" -> Sampler.DPMPP_2M;
            default -> Sampler.PLMS;
        };
    }

    /** A component's weights: diffusers writes {@code <name>.safetensors}, fp16 variants {@code <name>.fp16.…}. */
    private static Path weightsFile(Path component, String name) {
        for (String candidate : new String[] {name + ".safetensors", name + ".fp16.safetensors"}) {
            Path file = component.resolve(candidate);
            if (Files.exists(file)) {
                return file;
            }
        }
        throw new CheckpointException(component + " has no " + name + ".safetensors (pickled .bin weights are not"
                + " read: convert them to safetensors)");
    }
}
