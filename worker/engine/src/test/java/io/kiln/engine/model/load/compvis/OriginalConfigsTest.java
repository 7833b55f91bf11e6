package io.kiln.engine.model.load.compvis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs of a single file, from its CompVis yaml or its tensor shapes, against the diffusers configs. */
class OriginalConfigsTest {

    @Test
    void translatesTheSdMiniYamlIntoItsDiffusersConfigs() throws IOException {
        CompVisYaml yaml = CompVisYaml.read(Golden.file(SdMini.YAML));
        OriginalConfigs diffusers = SdMini.diffusersConfigs();

        assertThat(yaml.unet()).isEqualTo(withSampleSize(diffusers.unet(), 64));
        assertThat(yaml.vae()).isEqualTo(withSampleSize(diffusers.vae(), 512));
    }

    @Test
    void infersFromTensorShapesWhatTheSdMiniYamlSays() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);
            CompVisYaml yaml = CompVisYaml.read(Golden.file(SdMini.YAML));

            assertThat(ConfigInference.unet(file)).isEqualTo(yaml.unet());
            assertThat(ConfigInference.vae(file)).isEqualTo(yaml.vae());
            assertThat(ConfigInference.textEncoder(file, SdMini.TEXT_ENCODER_HEADS))
                    .isEqualTo(SdMini.diffusersConfigs().textEncoder());
        }
    }

    @Test
    void resolvesSdMiniThroughTheYamlBesideIt() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);

            OriginalConfigs configs = OriginalConfigs.resolve(SdMini.checkpoint(), file, SdMini.TEXT_ENCODER_HEADS);

            assertThat(configs.origin()).endsWith("v1-inference-sd-mini.yaml");
            assertThat(configs.unet())
                    .isEqualTo(withSampleSize(SdMini.diffusersConfigs().unet(), 64));
            assertThat(configs.textEncoder())
                    .isEqualTo(SdMini.diffusersConfigs().textEncoder());
        }
    }

    @Test
    void infersTheConfigsWhenNoYamlIsBeside(@TempDir Path folder) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);

            OriginalConfigs configs =
                    OriginalConfigs.resolve(folder.resolve("sd-mini.safetensors"), file, SdMini.TEXT_ENCODER_HEADS);

            assertThat(configs.origin()).contains("tensor shapes");
            assertThat(configs.unet()).isEqualTo(ConfigInference.unet(file));
            assertThat(configs.vae()).isEqualTo(ConfigInference.vae(file));
        }
    }

    @Test
    void needsTheTextEncoderHeadCountWhenItsWidthIsNoMultipleOf64() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);

            assertThatThrownBy(() -> ConfigInference.textEncoder(file))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("width 32")
                    .hasMessageContaining("head count must be given");
        }
    }

    @Test
    void infersSd15FromTheShapesOfItsOriginalLayout() {
        TensorSource file = Sd15.originalLayout();

        assertThat(ConfigInference.unet(file)).isEqualTo(Sd15.UNET);
        assertThat(ConfigInference.vae(file)).isEqualTo(Sd15.VAE);
        assertThat(ConfigInference.textEncoder(file)).isEqualTo(Sd15.TEXT_ENCODER);
    }

    @Test
    void translatesTheSd15InferenceYaml(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("v1-inference.yaml"), Sd15.INFERENCE_YAML);

        CompVisYaml yaml = CompVisYaml.read(file);

        assertThat(yaml.unet()).isEqualTo(Sd15.UNET);
        assertThat(yaml.vae()).isEqualTo(Sd15.VAE);
    }

    @Test
    void refusesTheFixedHeadWidthOfSd2NamingTheField(@TempDir Path folder) throws IOException {
        String sd2 = Sd15.INFERENCE_YAML.replace("num_heads: 8", "num_head_channels: 64");
        Path file = Files.writeString(folder.resolve("v2-inference.yaml"), sd2);
        CompVisYaml yaml = CompVisYaml.read(file);

        assertThatThrownBy(yaml::unet)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.params.unet_config.params.num_head_channels");
    }

    @Test
    void prefersTheYamlNamedAfterTheCheckpoint(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("v1-inference.yaml"), "");
        Files.writeString(folder.resolve("v1-inference-fp16.yaml"), "");
        Path named = Files.writeString(folder.resolve("dreamshaper.yaml"), "");

        assertThat(CompVisYaml.beside(folder.resolve("dreamshaper.safetensors")))
                .contains(named);
    }

    @Test
    void takesTheOnlyInferenceYamlInTheFolder(@TempDir Path folder) throws IOException {
        Path inference = Files.writeString(folder.resolve("v1-inference.yaml"), "");
        Files.writeString(folder.resolve("other-model.yaml"), "");

        assertThat(CompVisYaml.beside(folder.resolve("sd-v1-5.safetensors"))).contains(inference);
    }

    @Test
    void refusesToGuessBetweenSeveralInferenceYamls(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("v1-inference.yaml"), "");
        Files.writeString(folder.resolve("v1-inference-inpainting.yaml"), "");

        assertThatThrownBy(() -> CompVisYaml.beside(folder.resolve("sd-v1-5.safetensors")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v1-inference-inpainting.yaml")
                .hasMessageContaining("sd-v1-5.yaml");
    }

    @Test
    void findsNoYamlInAFolderWithoutOne(@TempDir Path folder) {
        assertThat(CompVisYaml.beside(folder.resolve("sd-v1-5.safetensors"))).isEmpty();
    }

    private static UNetConfig withSampleSize(UNetConfig c, int sampleSize) {
        return new UNetConfig(
                c.inChannels(),
                c.outChannels(),
                c.blockOutChannels(),
                c.crossAttention(),
                c.layersPerBlock(),
                c.attentionHeads(),
                c.transformerLayersPerBlock(),
                c.crossAttentionDim(),
                c.normNumGroups(),
                c.normEps(),
                c.useLinearProjection(),
                c.flipSinToCos(),
                c.freqShift(),
                sampleSize);
    }

    private static AutoencoderKLConfig withSampleSize(AutoencoderKLConfig c, int sampleSize) {
        return new AutoencoderKLConfig(
                c.inChannels(),
                c.outChannels(),
                c.blockOutChannels(),
                c.layersPerBlock(),
                c.latentChannels(),
                c.normNumGroups(),
                sampleSize,
                c.scalingFactor());
    }
}
