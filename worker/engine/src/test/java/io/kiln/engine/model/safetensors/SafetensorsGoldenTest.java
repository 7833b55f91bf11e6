package io.kiln.engine.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Files written by the reference (a Python safetensors writer), read against the manifest that describes them. */
class SafetensorsGoldenTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "vectors/tiny/unet.safetensors",
                "vectors/sd-mini/text_encoder.safetensors",
                "schedulers/constants.safetensors",
                "pipeline/tiny/img2img_ddim_seed0.safetensors"
            })
    void readsEveryTensorWithTheManifestsDtypeAndShape(String relative) throws IOException {
        JsonNode expected = manifest().get("files").get(relative).get("tensors");

        try (SafetensorsFile read = SafetensorsFile.open(Golden.file(relative))) {
            assertThat(read.names()).containsExactlyInAnyOrderElementsOf(expected.propertyNames());
            for (String name : read.names()) {
                TensorInfo info = read.info(name);
                assertThat(info.dtype().name())
                        .as(name)
                        .isEqualTo(expected.get(name).get("dtype").asString());
                assertThat(info.shape())
                        .as(name)
                        .isEqualTo(shape(expected.get(name).get("shape")));
            }
            assertThat(read.metadata()).isEmpty();
        }
    }

    @Test
    void loadsGoldenValuesOfEveryStoredType() {
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile unet = SafetensorsFile.open(Golden.file("vectors/tiny/unet.safetensors"));
                SafetensorsFile constants = SafetensorsFile.open(Golden.file("schedulers/constants.safetensors"))) {
            NDArray timestep = unet.load("timestep", manager);
            NDArray diffusers = constants.load("alphas_cumprod", manager);
            NDArray compvis = constants.load("compvis_alphas_cumprod_f64", manager);

            assertThat(timestep.getDataType()).isEqualTo(DataType.INT64);
            assertThat(timestep.toLongArray()).containsExactly(999L, 500L, 1L);
            assertThat(compvis.getDataType()).isEqualTo(DataType.FLOAT64);
            // README: the float32 diffusers and float64 CompVis schedules differ by at most 4.8e-7.
            double maxDiff = diffusers
                    .toType(DataType.FLOAT64, false)
                    .sub(compvis)
                    .abs()
                    .max()
                    .getDouble();
            assertThat(maxDiff).isPositive().isLessThanOrEqualTo(4.8e-7);
        }
    }

    @Test
    void readsDiffusersWeightsWithTheirFormatMetadata() {
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile unet =
                        SafetensorsFile.open(Golden.file("models/tiny/unet/diffusion_pytorch_model.safetensors"))) {
            NDArray half = unet.load("conv_in.weight", manager, DataType.FLOAT16);

            assertThat(unet.metadata()).isEqualTo(Map.of("format", "pt"));
            assertThat(unet.info("conv_in.weight").shape()).isEqualTo(new Shape(32, 4, 3, 3));
            assertThat(unet.info("conv_in.weight").dtype()).isEqualTo(SafetensorsDtype.F32);
            assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(half.getShape()).isEqualTo(new Shape(32, 4, 3, 3));
        }
    }

    @Test
    void readsTheSingleFileCheckpointWithTheManifestsTensorCount() throws IOException {
        String relative = "models/sd-mini-original/sd-mini.safetensors";
        int expected = manifest().get("files").get(relative).get("num_tensors").asInt();

        try (SafetensorsFile read = SafetensorsFile.open(Golden.file(relative))) {
            assertThat(read.names()).hasSize(expected);
            assertThat(read.names().stream().map(name -> read.info(name).dtype()))
                    .containsOnly(SafetensorsDtype.F32);
        }
    }

    private static JsonNode manifest() throws IOException {
        return JsonMapper.builder().build().readTree(Files.readAllBytes(Golden.file("manifest.json")));
    }

    private static Shape shape(JsonNode dims) {
        List<Long> values = new ArrayList<>();
        dims.forEach(dim -> values.add(dim.asLong()));
        return new Shape(values);
    }
}
