package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.clip.HiddenAct;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fresh weights as torch gives them: uniform by fan-in, norms at identity, embeddings N(0, 0.02²). */
class ParameterInitTest {
    private static final CLIPTextConfig CONFIG =
            new CLIPTextConfig(300, 64, 128, 4, 2, 77, 1e-5f, HiddenAct.QUICK_GELU, 298, 299, 299);

    @Test
    void initialisesEachKindOfParameterAsTorchDoes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel model = new CLIPTextModel(CONFIG);
            ParameterInit.initialise(model, manager, 3);
            var p = model.namedParameters();

            var fc1 = p.get("text_model.encoder.layers.0.mlp.fc1.weight").array();
            float bound = (float) (1 / Math.sqrt(64));
            assertThat(fc1.abs().max().getFloat())
                    .as("within the bound, and reaching towards it")
                    .isLessThanOrEqualTo(bound)
                    .isGreaterThan(0.9f * bound);
            assertThat(p.get("text_model.encoder.layers.0.mlp.fc2.bias")
                            .array()
                            .abs()
                            .max()
                            .getFloat())
                    .as("fc2's bias, bounded by fc2's fan-in of 128")
                    .isLessThanOrEqualTo((float) (1 / Math.sqrt(128)));
            assertThat(p.get("text_model.final_layer_norm.weight").array().toFloatArray())
                    .containsOnly(1f);
            assertThat(p.get("text_model.final_layer_norm.bias").array().toFloatArray())
                    .containsOnly(0f);
            double std = p.get("text_model.embeddings.token_embedding.weight")
                    .array()
                    .pow(2)
                    .mean()
                    .sqrt()
                    .getFloat();
            assertThat(std).isCloseTo(0.02, within(0.001));
        }
    }

    @Test
    void zeroesTheLayersLdmWrapsInZeroModuleAndNothingElse(@TempDir Path dir) throws IOException {
        ShapesModelFolder folder = new ShapesModelFolder(dir);
        folder.prepareLdm();
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(folder.unetConfig(), AttentionSlicing.AUTO);
            ParameterInit.initialise(unet, manager, 3, ParameterInit.LDM_ZERO_MODULES);

            List<String> zeroed = new ArrayList<>();
            unet.namedParameters().forEach((key, parameter) -> {
                if (parameter.array().abs().max().getFloat() == 0) {
                    zeroed.add(key);
                }
            });
            // 7 spatial transformers' proj_out, 8 ResNet blocks' conv2 and conv_out, weight and bias each: 32.
            assertThat(zeroed.stream().filter(ParameterInit.LDM_ZERO_MODULES))
                    .hasSize(32)
                    .contains(
                            "conv_out.weight",
                            "down_blocks.0.resnets.0.conv2.weight",
                            "mid_block.resnets.1.conv2.bias",
                            "up_blocks.1.attentions.1.proj_out.weight");
            assertThat(zeroed)
                    .as("beyond those, only normalisation biases start at zero, as torch starts them")
                    .allMatch(key -> ParameterInit.LDM_ZERO_MODULES.test(key) || key.matches(".*norm[^.]*\\.bias"));
        }
    }

    @Test
    void theSeedFixesTheWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CLIPTextModel a = new CLIPTextModel(CONFIG);
            CLIPTextModel b = new CLIPTextModel(CONFIG);
            CLIPTextModel c = new CLIPTextModel(CONFIG);
            ParameterInit.initialise(a, manager, 5);
            ParameterInit.initialise(b, manager, 5);
            ParameterInit.initialise(c, manager, 6);
            String key = "text_model.encoder.layers.1.self_attn.q_proj.weight";
            float[] first = a.namedParameters().get(key).array().toFloatArray();
            assertThat(b.namedParameters().get(key).array().toFloatArray()).containsExactly(first);
            assertThat(c.namedParameters().get(key).array().toFloatArray()).isNotEqualTo(first);
        }
    }
}
