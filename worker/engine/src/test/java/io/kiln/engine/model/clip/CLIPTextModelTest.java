package io.kiln.engine.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CLIPTextModelTest {
    private static final String FOLDER = "models/tiny/text_encoder/";

    @Test
    void refusesACheckpointWithoutAKeyAndNamesIt() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new HashMap<>(weights(manager));
            weights.remove("text_model.encoder.layers.4.self_attn.k_proj.bias");

            assertThatThrownBy(() -> StateDictLoader.load(
                            tinyClip(), TensorSource.of(FOLDER, weights), manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(
                            "text_model.encoder.layers.4.self_attn.k_proj.bias: missing (expected shape (32))");
        }
    }

    @Test
    void refusesAMisshapenTensorAndNamesBothShapes() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new HashMap<>(weights(manager));
            String key = "text_model.encoder.layers.0.mlp.fc1.weight";
            weights.put(key, weights.get(key).transpose());

            assertThatThrownBy(() -> StateDictLoader.load(
                            tinyClip(), TensorSource.of(FOLDER, weights), manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(key + ": expected shape (37, 32) but the checkpoint has (32, 37)");
        }
    }

    @Test
    void leavesOnlyItsOutputsInTheCallersManager() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel clip = tinyClip();
            StateDictLoader.load(clip, TensorSource.of(FOLDER, weights(manager)), manager, DataType.FLOAT32);
            NDArray ids = manager.arange(0, 2 * 77, 1, DataType.INT64).reshape(2, 77);
            int before = manager.getManagedArrays().size();

            TextEncoderOutput output = clip.forward(ids, true);

            assertThat(manager.getManagedArrays())
                    .hasSize(before + 2 + output.hiddenStates().size())
                    .contains(output.lastHiddenState(), output.poolerOutput())
                    .containsAll(output.hiddenStates());
            assertThat(output.lastHiddenState().getShape()).isEqualTo(new Shape(2, 77, 32));
            assertThat(output.poolerOutput().getShape()).isEqualTo(new Shape(2, 32));
        }
    }

    @Test
    void refusesMoreTokensThanItHasPositions() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = manager.zeros(new Shape(1, 78), DataType.INT64);
            var clip = tinyClip();

            assertThatThrownBy(() -> clip.forward(ids))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("input ids must be (B, T) with T ≤ 77, got (1, 78)");
        }
    }

    private static CLIPTextModel tinyClip() throws IOException {
        return new CLIPTextModel(CLIPTextConfig.read(Golden.file(FOLDER + "config.json")));
    }

    private static Map<String, NDArray> weights(NDManager manager) {
        return GoldenTensors.read(Golden.file(FOLDER + "model.safetensors"), manager);
    }
}
