package io.kiln.engine.model.unet;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.AttentionSlicing;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The UNet against diffusers' own outputs (golden {@code vectors/<model>/unet.safetensors}). */
class UNet2DConditionModelParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void predictsTheReferenceNoiseForMixedTimestepsAndNonSquareLatents(String model) throws IOException {
        String vectors = "vectors/" + model + "/unet.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = load(model, manager, AttentionSlicing.AUTO);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray out =
                    unet.forward(golden.get("sample"), golden.get("timestep"), golden.get("encoder_hidden_states"));
            NDArray outB = unet.forward(
                    golden.get("sample_b"), golden.get("timestep_b"), golden.get("encoder_hidden_states_b"));

            assertClose(model + " out", out, golden.get("out"), Tolerances.forFile(vectors));
            assertClose(model + " out_b", outB, golden.get("out_b"), Tolerances.forFile(vectors));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64})
    void slicedAttentionGivesTheSameNoise(int sliceSize) throws IOException {
        String vectors = "vectors/tiny/unet.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = load("tiny", manager, AttentionSlicing.fixed(sliceSize));
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray out =
                    unet.forward(golden.get("sample"), golden.get("timestep"), golden.get("encoder_hidden_states"));

            assertClose("tiny out, slices of " + sliceSize, out, golden.get("out"), Tolerances.forFile(vectors));
        }
    }

    static UNet2DConditionModel load(String model, NDManager manager, AttentionSlicing slicing) throws IOException {
        String folder = "models/" + model + "/unet/";
        UNet2DConditionModel unet =
                new UNet2DConditionModel(UNetConfig.read(Golden.file(folder + "config.json")), slicing);
        Map<String, NDArray> weights =
                GoldenTensors.read(Golden.file(folder + "diffusion_pytorch_model.safetensors"), manager);
        var unused = StateDictLoader.load(unet, TensorSource.of(folder, weights), manager, DataType.FLOAT32);
        assertThat(unused).as("checkpoint keys the UNet left unused").isEmpty();
        return unet;
    }
}
