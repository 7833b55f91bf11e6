package io.kiln.engine.model;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.nn.AttentionSlicing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Both checkpoint layouts users bring load into the same model. */
class ModelLoaderTest {
    private static final String UNET_VECTORS = "vectors/sd-mini/unet.safetensors";

    @Test
    void diffusersFolderAndOriginalSingleFileGiveTheReferenceNoise() throws IOException {
        Path folder = Golden.file("models/sd-mini");
        Path single = Golden.file("models/sd-mini-original/sd-mini.safetensors");
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionModel fromFolder = ModelLoader.load(folder, Optional.empty(), ModelOptions.cpu());
                // sd-mini's 32-wide text encoder has 2 heads, which only its diffusers config records.
                StableDiffusionModel fromFile = ModelLoader.loadSingleFile(
                        single, folder.resolve("tokenizer"), OptionalInt.of(2), ModelOptions.cpu())) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(UNET_VECTORS), manager);

            for (StableDiffusionModel model : new StableDiffusionModel[] {fromFolder, fromFile}) {
                NDArray out = model.unet()
                        .forward(golden.get("sample"), golden.get("timestep"), golden.get("encoder_hidden_states"));
                assertClose(model.name() + " unet", out, golden.get("out"), Tolerances.forFile(UNET_VECTORS));
            }
            assertThat(fromFolder.name()).isEqualTo("sd-mini");
            assertThat(fromFile.name()).isEqualTo("sd-mini");
            assertThat(fromFolder.nativeImageSize()).isEqualTo(64);
            // The yaml's image_size is a training leftover that diffusers ignores too: SD 1.x's 512 is assumed.
            assertThat(fromFile.nativeImageSize()).isEqualTo(512);
        }
    }

    @Test
    void singleFileWithoutATokenizerIsRefusedWithTheReason() {
        Path single = Golden.file("models/sd-mini-original/sd-mini.safetensors");

        assertThatThrownBy(() -> ModelLoader.load(single, Optional.empty(), ModelOptions.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tokenizer folder");
    }

    @Test
    void aFolderWithoutModelIndexIsNotTakenForAModel() {
        Path unetFolder = Golden.file("models/sd-mini/unet");

        assertThatThrownBy(() -> ModelLoader.load(unetFolder, Optional.empty(), ModelOptions.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model_index.json");
    }

    @Test
    void float16WeightsRunTheSameCodeWithinFloat16Precision() throws IOException {
        Path folder = Golden.file("models/sd-mini");
        var fp16 = new ModelOptions(Device.cpu(), DataType.FLOAT16, AttentionSlicing.AUTO);
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionModel model = ModelLoader.load(folder, Optional.empty(), fp16)) {
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(UNET_VECTORS), manager);

            NDArray out = model.unet()
                    .forward(
                            golden.get("sample").toType(DataType.FLOAT16, false),
                            golden.get("timestep"),
                            golden.get("encoder_hidden_states").toType(DataType.FLOAT16, false));

            assertThat(out.getDataType()).isEqualTo(DataType.FLOAT16);
            NDArray expected = golden.get("out");
            // fp16 keeps 11 bits of mantissa: each op rounds at ~0.05 %; through ~100 ops the error stays within a few
            // per cent of the output's range, while a wrong formula would be off by its whole magnitude.
            float error = out.toType(DataType.FLOAT32, false)
                    .sub(expected)
                    .abs()
                    .max()
                    .getFloat();
            float range = expected.abs().max().getFloat();
            assertThat(error / range).isLessThan(0.05f);
        }
    }
}
