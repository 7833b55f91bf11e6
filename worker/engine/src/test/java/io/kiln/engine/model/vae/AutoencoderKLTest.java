package io.kiln.engine.model.vae;

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
import io.kiln.engine.model.nn.AttentionSlicing;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoencoderKLTest {
    private static final String FOLDER = "models/tiny/vae/";

    @Test
    void refusesACheckpointWithoutAKeyAndNamesIt() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new HashMap<>(weights(manager));
            weights.remove("decoder.mid_block.attentions.0.to_q.bias");

            assertThatThrownBy(() -> StateDictLoader.load(
                            tinyVae(), TensorSource.of(FOLDER, weights), manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("decoder.mid_block.attentions.0.to_q.bias: missing (expected shape (64))");
        }
    }

    @Test
    void refusesAMisshapenTensorAndNamesBothShapes() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = new HashMap<>(weights(manager));
            weights.put(
                    "encoder.conv_in.weight",
                    weights.get("encoder.conv_in.weight").reshape(32, 27, 1, 1));

            assertThatThrownBy(() -> StateDictLoader.load(
                            tinyVae(), TensorSource.of(FOLDER, weights), manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("encoder.conv_in.weight: expected shape (32, 3, 3, 3)"
                            + " but the checkpoint has (32, 27, 1, 1)");
        }
    }

    @Test
    void leavesOnlyItsOutputsInTheCallersManager() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = tinyVae();
            StateDictLoader.load(vae, TensorSource.of(FOLDER, weights(manager)), manager, DataType.FLOAT32);
            NDArray image = manager.randomUniform(-1, 1, new Shape(1, 3, 16, 16));
            int before = manager.getManagedArrays().size();

            Posterior posterior = vae.encode(image);
            NDArray decoded = vae.decode(posterior.mean());

            assertThat(manager.getManagedArrays())
                    .hasSize(before + 3)
                    .contains(posterior.mean(), posterior.logvar(), decoded);
            assertThat(decoded.getShape()).isEqualTo(image.getShape());
        }
    }

    private static AutoencoderKL tinyVae() throws IOException {
        return new AutoencoderKL(AutoencoderKLConfig.read(Golden.file(FOLDER + "config.json")), AttentionSlicing.AUTO);
    }

    private static Map<String, NDArray> weights(NDManager manager) {
        return GoldenTensors.read(Golden.file(FOLDER + "diffusion_pytorch_model.safetensors"), manager);
    }
}
