package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.clip.HiddenAct;
import org.junit.jupiter.api.Test;

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
