package io.kiln.engine.check;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.model.clip.TextEncoderOutput;
import io.kiln.engine.model.vae.Posterior;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The module vector files of the golden format (golden README, "vectors/"): which inputs each feeds its module and
 * which reference outputs it holds. Optional cases (the UNet's non-square {@code _b} batch, the posterior sample,
 * the text encoder's per-layer hidden states) are checked when the file holds their reference.
 */
enum VectorFile {
    /** {@code sample, timestep, encoder_hidden_states → out}; {@code sample_b, … → out_b}. */
    UNET("unet.safetensors") {
        @Override
        List<String> outputs(Set<String> stored) {
            return stored.contains("out_b") ? List.of("out", "out_b") : List.of("out");
        }

        @Override
        void run(StableDiffusionModel model, VectorTensors vectors, Map<String, NDArray> outputs) {
            outputs.put("out", predictNoise(model, vectors, ""));
            if (vectors.names().contains("out_b")) {
                outputs.put("out_b", predictNoise(model, vectors, "_b"));
            }
        }
    },

    /** {@code latents_unscaled → decoded}, not clamped. */
    VAE_DECODE("vae_decode.safetensors") {
        @Override
        List<String> outputs(Set<String> stored) {
            return List.of("decoded");
        }

        @Override
        void run(StableDiffusionModel model, VectorTensors vectors, Map<String, NDArray> outputs) {
            outputs.put("decoded", model.vae().decode(vectors.input("latents_unscaled")));
        }
    },

    /** {@code image → mean, logvar}; {@code sample} = mean + std·{@code sample_noise}. */
    VAE_ENCODE("vae_encode.safetensors") {
        @Override
        List<String> outputs(Set<String> stored) {
            return stored.contains("sample") && stored.contains("sample_noise")
                    ? List.of("mean", "logvar", "sample")
                    : List.of("mean", "logvar");
        }

        @Override
        void run(StableDiffusionModel model, VectorTensors vectors, Map<String, NDArray> outputs) {
            Posterior posterior = model.vae().encode(vectors.input("image"));
            outputs.put("mean", posterior.mean());
            outputs.put("logvar", posterior.logvar());
            if (outputs(vectors.names()).contains("sample")) {
                outputs.put("sample", posterior.sample(vectors.input("sample_noise")));
            }
        }
    },

    /** {@code input_ids → last_hidden_state, pooler_output, hidden_states_k} (k = 0 for the embeddings). */
    TEXT_ENCODER("text_encoder.safetensors") {
        private static final Pattern HIDDEN_STATE = Pattern.compile("hidden_states_\\d+");

        @Override
        List<String> outputs(Set<String> stored) {
            List<String> names = new ArrayList<>(List.of("last_hidden_state", "pooler_output"));
            stored.stream()
                    .filter(name -> HIDDEN_STATE.matcher(name).matches())
                    .sorted(Comparator.comparingInt(
                            name -> Integer.parseInt(name.substring("hidden_states_".length()))))
                    .forEach(names::add);
            return names;
        }

        @Override
        void run(StableDiffusionModel model, VectorTensors vectors, Map<String, NDArray> outputs) {
            TextEncoderOutput encoded = model.textEncoder().forward(vectors.input("input_ids"), true);
            outputs.put("last_hidden_state", encoded.lastHiddenState());
            outputs.put("pooler_output", encoded.poolerOutput());
            for (int k = 0; k < encoded.hiddenStates().size(); k++) {
                outputs.put("hidden_states_" + k, encoded.hiddenStates().get(k));
            }
        }
    };

    private final String fileName;

    VectorFile(String fileName) {
        this.fileName = fileName;
    }

    String fileName() {
        return fileName;
    }

    /** The reference outputs checked for a file holding {@code stored}, in report order. */
    abstract List<String> outputs(Set<String> stored);

    /**
     * Runs the module on the file's inputs, putting each output into {@code outputs} as soon as it is computed, so
     * that a failure part-way keeps those before it. The arrays may belong to any manager: the caller attaches them.
     */
    abstract void run(StableDiffusionModel model, VectorTensors vectors, Map<String, NDArray> outputs);

    /** The UNet on one case of the file: inputs {@code sample<suffix>}, {@code timestep<suffix>}, …. */
    private static NDArray predictNoise(StableDiffusionModel model, VectorTensors vectors, String suffix) {
        return model.unet()
                .forward(
                        vectors.input("sample" + suffix),
                        vectors.input("timestep" + suffix),
                        vectors.input("encoder_hidden_states" + suffix));
    }
}
