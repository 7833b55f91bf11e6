package io.kiln.engine.model.clip;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The text encoder against transformers' own outputs (golden {@code vectors/<model>/text_encoder.safetensors}). */
class CLIPTextModelParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void encodesPaddedPromptsToTheReferenceHiddenStatesAndPooledOutput(String model) throws IOException {
        String vectors = "vectors/" + model + "/text_encoder.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel clip = load(model, manager);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);
            Tolerance tolerance = Tolerances.forFile(vectors);

            TextEncoderOutput output = clip.forward(golden.get("input_ids"), true);

            assertClose(
                    model + " last_hidden_state", output.lastHiddenState(), golden.get("last_hidden_state"), tolerance);
            assertClose(model + " pooler_output", output.poolerOutput(), golden.get("pooler_output"), tolerance);
            assertThat(output.hiddenStates()).hasSize(clip.config().numHiddenLayers() + 1);
            for (int k = 0; k < output.hiddenStates().size(); k++) {
                String name = "hidden_states_" + k;
                assertClose(model + " " + name, output.hiddenStates().get(k), golden.get(name), tolerance);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void skipsTheLayerHiddenStatesUnlessAsked(String model) throws IOException {
        String vectors = "vectors/" + model + "/text_encoder.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel clip = load(model, manager);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            TextEncoderOutput output = clip.forward(golden.get("input_ids"));

            assertThat(output.hiddenStates()).isEmpty();
            assertClose(
                    model + " last_hidden_state",
                    output.lastHiddenState(),
                    golden.get("last_hidden_state"),
                    Tolerances.forFile(vectors));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void normsALayerOutputAsTheFinalLayerDoesForClipSkip(String model) throws IOException {
        String vectors = "vectors/" + model + "/text_encoder.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel clip = load(model, manager);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);
            String lastLayer = "hidden_states_" + clip.config().numHiddenLayers();

            NDArray normed = clip.finalLayerNorm(golden.get(lastLayer));

            assertClose(
                    model + " final_layer_norm(" + lastLayer + ")",
                    normed,
                    golden.get("last_hidden_state"),
                    Tolerances.forFile(vectors));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void poolsAtTheFirstOccurrenceOfTheConfiguredEndOfTextId(String model) throws IOException {
        String vectors = "vectors/" + model + "/text_encoder.safetensors";
        // Any id other than the legacy 2 is pooled by position rather than by argmax; "a</w>" makes the two differ.
        int endOfText = 320;
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextConfig legacy = CLIPTextConfig.read(Golden.file("models/" + model + "/text_encoder/config.json"));
            CLIPTextConfig config = new CLIPTextConfig(
                    legacy.vocabSize(),
                    legacy.hiddenSize(),
                    legacy.intermediateSize(),
                    legacy.numAttentionHeads(),
                    legacy.numHiddenLayers(),
                    legacy.maxPositionEmbeddings(),
                    legacy.layerNormEps(),
                    legacy.hiddenAct(),
                    legacy.bosTokenId(),
                    endOfText,
                    legacy.padTokenId());
            CLIPTextModel clip = load(model, config, manager);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);
            NDArray ids = golden.get("input_ids");

            TextEncoderOutput output = clip.forward(ids);

            NDList expected = new NDList();
            long tokens = ids.getShape().get(1);
            long[] flatIds = ids.toLongArray();
            for (int b = 0; b < ids.getShape().get(0); b++) {
                int position = 0; // torch's argmax of a row without the id
                for (int t = 0; t < tokens; t++) {
                    if (flatIds[(int) (b * tokens + t)] == endOfText) {
                        position = t;
                        break;
                    }
                }
                expected.add(golden.get("last_hidden_state").get(b, position));
            }
            assertClose(
                    model + " pooler_output at the first id " + endOfText,
                    output.poolerOutput(),
                    NDArrays.stack(expected),
                    Tolerances.forFile(vectors));
        }
    }

    static CLIPTextModel load(String model, NDManager manager) throws IOException {
        return load(model, CLIPTextConfig.read(Golden.file("models/" + model + "/text_encoder/config.json")), manager);
    }

    static CLIPTextModel load(String model, CLIPTextConfig config, NDManager manager) {
        String folder = "models/" + model + "/text_encoder/";
        CLIPTextModel clip = new CLIPTextModel(config);
        Map<String, NDArray> weights = GoldenTensors.read(Golden.file(folder + "model.safetensors"), manager);
        List<String> unused = StateDictLoader.load(clip, TensorSource.of(folder, weights), manager, DataType.FLOAT32);
        assertThat(unused).as("checkpoint keys the text encoder left unused").isEmpty();
        return clip;
    }
}
