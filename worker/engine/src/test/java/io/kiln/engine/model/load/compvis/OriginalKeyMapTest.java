package io.kiln.engine.model.load.compvis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.load.compvis.OriginalKeyMap.OriginalKey;
import io.kiln.engine.model.nn.Module;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The key table against the golden conversion (sd-mini) and the conversion script's own rows (SD 1.5). */
class OriginalKeyMapTest {

    @ParameterizedTest
    @CsvSource({
        "unet, unet/diffusion_pytorch_model.safetensors",
        "vae, vae/diffusion_pytorch_model.safetensors",
        "text_encoder, text_encoder/model.safetensors"
    })
    void findsEveryDiffusersTensorOfSdMiniBitForBitInTheSingleFile(String component, String diffusersFile)
            throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TensorSource diffusers = SdMini.diffusersFile(diffusersFile, manager);
            TensorSource file = SdMini.singleFile(manager);
            OriginalKeyMap map = map(component, SdMini.diffusersConfigs());
            TensorSource view = new OriginalCheckpointSource(file, map);

            assertThat(view.keys()).containsExactlyInAnyOrderElementsOf(diffusers.keys());
            for (String key : diffusers.keys()) {
                OriginalKey stored = map.toOriginal(key).orElseThrow();
                assertThat(file.keys()).as("original key of %s", key).contains(stored.name());
                NDArray expected = diffusers.load(key, manager, DataType.FLOAT32);
                NDArray actual = view.load(key, manager, DataType.FLOAT32);
                assertThat(view.shape(key)).as("shape of %s", key).isEqualTo(expected.getShape());
                assertThat(actual.getShape()).as("loaded shape of %s", key).isEqualTo(expected.getShape());
                assertThat(actual.toByteArray()).as("bytes of %s", key).isEqualTo(expected.toByteArray());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "unet, time_embedding.linear_1.weight, model.diffusion_model.time_embed.0.weight, false",
        "unet, conv_in.bias, model.diffusion_model.input_blocks.0.0.bias, false",
        "unet, down_blocks.0.resnets.0.norm1.weight, model.diffusion_model.input_blocks.1.0.in_layers.0.weight, false",
        "unet, down_blocks.1.resnets.0.conv_shortcut.weight,"
                + " model.diffusion_model.input_blocks.4.0.skip_connection.weight, false",
        "unet, down_blocks.1.attentions.1.transformer_blocks.0.attn2.to_k.weight,"
                + " model.diffusion_model.input_blocks.5.1.transformer_blocks.0.attn2.to_k.weight, false",
        "unet, down_blocks.2.downsamplers.0.conv.weight, model.diffusion_model.input_blocks.9.0.op.weight, false",
        "unet, down_blocks.3.resnets.1.conv2.bias, model.diffusion_model.input_blocks.11.0.out_layers.3.bias, false",
        "unet, mid_block.resnets.1.time_emb_proj.weight, model.diffusion_model.middle_block.2.emb_layers.1.weight, false",
        "unet, mid_block.attentions.0.proj_in.weight, model.diffusion_model.middle_block.1.proj_in.weight, false",
        "unet, up_blocks.0.resnets.2.conv_shortcut.weight,"
                + " model.diffusion_model.output_blocks.2.0.skip_connection.weight, false",
        "unet, up_blocks.0.upsamplers.0.conv.weight, model.diffusion_model.output_blocks.2.1.conv.weight, false",
        "unet, up_blocks.1.upsamplers.0.conv.weight, model.diffusion_model.output_blocks.5.2.conv.weight, false",
        "unet, up_blocks.2.upsamplers.0.conv.bias, model.diffusion_model.output_blocks.8.2.conv.bias, false",
        "unet, up_blocks.3.attentions.2.proj_out.weight, model.diffusion_model.output_blocks.11.1.proj_out.weight, false",
        "unet, conv_norm_out.weight, model.diffusion_model.out.0.weight, false",
        "unet, conv_out.weight, model.diffusion_model.out.2.weight, false",
        "vae, encoder.down_blocks.1.resnets.0.conv_shortcut.weight,"
                + " first_stage_model.encoder.down.1.block.0.nin_shortcut.weight, false",
        "vae, encoder.down_blocks.0.downsamplers.0.conv.weight,"
                + " first_stage_model.encoder.down.0.downsample.conv.weight, false",
        "vae, encoder.mid_block.resnets.0.conv1.weight, first_stage_model.encoder.mid.block_1.conv1.weight, false",
        "vae, encoder.conv_norm_out.bias, first_stage_model.encoder.norm_out.bias, false",
        "vae, quant_conv.weight, first_stage_model.quant_conv.weight, false",
        "vae, decoder.up_blocks.0.upsamplers.0.conv.weight, first_stage_model.decoder.up.3.upsample.conv.weight, false",
        "vae, decoder.up_blocks.3.resnets.2.norm1.weight, first_stage_model.decoder.up.0.block.2.norm1.weight, false",
        "vae, decoder.mid_block.attentions.0.group_norm.weight, first_stage_model.decoder.mid.attn_1.norm.weight, false",
        "vae, decoder.mid_block.attentions.0.to_q.weight, first_stage_model.decoder.mid.attn_1.q.weight, true",
        "vae, decoder.mid_block.attentions.0.to_out.0.weight, first_stage_model.decoder.mid.attn_1.proj_out.weight, true",
        "vae, decoder.mid_block.attentions.0.to_out.0.bias, first_stage_model.decoder.mid.attn_1.proj_out.bias, false",
        "text_encoder, text_model.encoder.layers.11.self_attn.q_proj.weight,"
                + " cond_stage_model.transformer.text_model.encoder.layers.11.self_attn.q_proj.weight, false",
        "text_encoder, text_model.final_layer_norm.bias, cond_stage_model.transformer.text_model.final_layer_norm.bias,"
                + " false"
    })
    void mapsSd15KeysLikeTheConversionScript(
            String component, String diffusersKey, String originalKey, boolean linearAsConv1x1) {
        OriginalKeyMap map = map(component, sd15Configs());

        assertThat(map.toOriginal(diffusersKey)).contains(new OriginalKey(originalKey, linearAsConv1x1));
        assertThat(map.toDiffusers(originalKey)).contains(diffusersKey);
    }

    @Test
    void mapsEveryParameterOfTheSd15ModelsToADistinctOriginalKeyAndBack() {
        assertRoundTrip(Sd15.unet(), OriginalKeyMap.unet(Sd15.UNET));
        assertRoundTrip(Sd15.vae(), OriginalKeyMap.vae(Sd15.VAE));
        assertRoundTrip(Sd15.textEncoder(), OriginalKeyMap.textEncoder());
    }

    @Test
    void leavesKeysOutsideItsRowsUnmapped() {
        OriginalKeyMap unet = OriginalKeyMap.unet(Sd15.UNET);

        assertThat(unet.toDiffusers("model_ema.decay")).isEmpty();
        assertThat(unet.toDiffusers("model_ema.diffusion_modelinput_blocks00weight"))
                .isEmpty();
        assertThat(unet.toDiffusers("alphas_cumprod")).isEmpty();
        assertThat(unet.toDiffusers("first_stage_model.encoder.conv_in.weight")).isEmpty();
        // a resnet has no in_layers.1 (that index of LDM's Sequential is the parameterless SiLU)
        assertThat(unet.toDiffusers("model.diffusion_model.input_blocks.1.0.in_layers.1.weight"))
                .isEmpty();
        // SD 1.5's fourth level has no transformer
        assertThat(unet.toOriginal("down_blocks.3.attentions.0.proj_in.weight")).isEmpty();
        assertThat(unet.toOriginal("down_blocks.4.resnets.0.norm1.weight")).isEmpty();
    }

    private static void assertRoundTrip(Module tree, OriginalKeyMap map) {
        Set<String> originals = new HashSet<>();
        for (String key : tree.namedParameters().keySet()) {
            OriginalKey stored = map.toOriginal(key).orElseThrow(() -> new AssertionError("unmapped: " + key));
            assertThat(originals.add(stored.name()))
                    .as("%s maps to a fresh key", key)
                    .isTrue();
            assertThat(map.toDiffusers(stored.name()))
                    .as("back from %s", stored.name())
                    .contains(key);
        }
    }

    private static OriginalKeyMap map(String component, OriginalConfigs configs) {
        return switch (component) {
            case "unet" -> OriginalKeyMap.unet(configs.unet());
            case "vae" -> OriginalKeyMap.vae(configs.vae());
            case "text_encoder" -> OriginalKeyMap.textEncoder();
            default -> throw new IllegalArgumentException("no component " + component);
        };
    }

    private static OriginalConfigs sd15Configs() {
        return new OriginalConfigs(Sd15.UNET, Sd15.VAE, Sd15.TEXT_ENCODER, "sd-v1-5");
    }
}
