package io.kiln.engine.model.load.compvis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The single file split into its three components, and what is left over. */
class OriginalCheckpointTest {

    @Test
    void assignsEveryTensorOfSdMiniToExactlyOneComponent() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);
            OriginalCheckpoint checkpoint = new OriginalCheckpoint(file, SdMini.diffusersConfigs());

            int assigned = checkpoint.unet().keys().size()
                    + checkpoint.vae().keys().size()
                    + checkpoint.textEncoder().keys().size();

            assertThat(file.keys()).hasSize(980);
            assertThat(assigned).isEqualTo(980);
            assertThat(checkpoint.unusedKeys()).isEmpty();
        }
    }

    @Test
    void reportsEmaWeightsAndScheduleBuffersOnceAsUnusedAndStillLoads() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(GoldenTensors.read(SdMini.checkpoint(), manager));
            // what a real sd-v1-5 file carries besides the three models (EMA keys lose their dots in LDM)
            tensors.put("model_ema.decay", manager.create(0.9999f));
            tensors.put("model_ema.diffusion_modelinput_blocks00weight", manager.zeros(new Shape(32, 4, 3, 3)));
            tensors.put("betas", manager.zeros(new Shape(1000)));
            tensors.put("alphas_cumprod", manager.zeros(new Shape(1000)));
            // a buffer of older transformers' CLIPTextModel: it belongs to the text encoder, whose load reports it
            tensors.put("cond_stage_model.transformer.text_model.embeddings.position_ids", manager.arange(77L));
            OriginalCheckpoint checkpoint =
                    new OriginalCheckpoint(TensorSource.of("sd-mini with extras", tensors), SdMini.diffusersConfigs());
            UNet2DConditionModel unet =
                    new UNet2DConditionModel(checkpoint.configs().unet(), AttentionSlicing.AUTO);
            CLIPTextModel textEncoder = new CLIPTextModel(checkpoint.configs().textEncoder());

            List<String> unusedByUNet = StateDictLoader.load(unet, checkpoint.unet(), manager, DataType.FLOAT32);
            List<String> unusedByTextEncoder =
                    StateDictLoader.load(textEncoder, checkpoint.textEncoder(), manager, DataType.FLOAT32);

            assertThat(checkpoint.unusedKeys())
                    .containsExactly(
                            "alphas_cumprod",
                            "betas",
                            "model_ema.decay",
                            "model_ema.diffusion_modelinput_blocks00weight");
            assertThat(unusedByUNet).isEmpty();
            assertThat(unusedByTextEncoder).containsExactly("text_model.embeddings.position_ids");
        }
    }

    @Test
    void loadsTheVaeAttentionConvolutionsAsLinearWeights() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource file = SdMini.singleFile(manager);
            TensorSource vae = new OriginalCheckpoint(file, SdMini.diffusersConfigs()).vae();
            String key = "decoder.mid_block.attentions.0.to_v.weight";

            NDArray linear = vae.load(key, manager, DataType.FLOAT32);
            NDArray conv = file.load("first_stage_model.decoder.mid.attn_1.v.weight", manager, DataType.FLOAT32);

            assertThat(file.shape("first_stage_model.decoder.mid.attn_1.v.weight"))
                    .isEqualTo(new Shape(64, 64, 1, 1));
            assertThat(vae.shape(key)).isEqualTo(new Shape(64, 64));
            assertThat(linear.getShape()).isEqualTo(new Shape(64, 64));
            assertThat(linear.toFloatArray()).isEqualTo(conv.toFloatArray());
        }
    }

    @Test
    void acceptsVaeAttentionWeightsAlreadyStoredAsLinear() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(GoldenTensors.read(SdMini.checkpoint(), manager));
            String original = "first_stage_model.encoder.mid.attn_1.k.weight";
            NDArray linear = tensors.get(original).reshape(64, 64);
            tensors.put(original, linear);
            TensorSource vae = new OriginalCheckpoint(
                            TensorSource.of("sd-mini, linear k", tensors), SdMini.diffusersConfigs())
                    .vae();

            NDArray loaded = vae.load("encoder.mid_block.attentions.0.to_k.weight", manager, DataType.FLOAT32);

            assertThat(vae.shape("encoder.mid_block.attentions.0.to_k.weight")).isEqualTo(new Shape(64, 64));
            assertThat(loaded.toFloatArray()).isEqualTo(linear.toFloatArray());
        }
    }

    @Test
    void refusesAVaeAttentionWeightThatIsNoOneByOneConvolution() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(GoldenTensors.read(SdMini.checkpoint(), manager));
            tensors.put("first_stage_model.decoder.mid.attn_1.q.weight", manager.zeros(new Shape(64, 64, 3, 3)));
            TensorSource vae =
                    new OriginalCheckpoint(TensorSource.of("sd-mini, 3×3 q", tensors), SdMini.diffusersConfigs()).vae();

            assertThatThrownBy(() -> vae.shape("decoder.mid_block.attentions.0.to_q.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("first_stage_model.decoder.mid.attn_1.q.weight")
                    .hasMessageContaining("(64, 64, 3, 3)");
        }
    }

    @Test
    void namesTheComponentAndTheKeyItHasNoTensorFor() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource unet = new OriginalCheckpoint(SdMini.singleFile(manager), SdMini.diffusersConfigs()).unet();

            assertThatThrownBy(() -> unet.shape("down_blocks.7.resnets.0.norm1.weight"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("UNet of " + SdMini.CHECKPOINT)
                    .hasMessageContaining("down_blocks.7.resnets.0.norm1.weight");
        }
    }

    @Test
    void recognisesTheOriginalLayoutByItsUNetPrefix() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(OriginalCheckpoint.isOriginalLayout(SdMini.singleFile(manager)))
                    .isTrue();
            assertThat(OriginalCheckpoint.isOriginalLayout(
                            SdMini.diffusersFile("unet/diffusion_pytorch_model.safetensors", manager)))
                    .isFalse();
        }
    }
}
