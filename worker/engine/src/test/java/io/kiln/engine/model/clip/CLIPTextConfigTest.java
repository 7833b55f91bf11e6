package io.kiln.engine.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.model.Golden;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CLIPTextConfigTest {

    @Test
    void readsTheSdMiniConfig() throws IOException {
        CLIPTextConfig config = CLIPTextConfig.read(Golden.file("models/sd-mini/text_encoder/config.json"));

        assertThat(config)
                .isEqualTo(new CLIPTextConfig(49408, 32, 128, 2, 3, 77, 1e-5f, HiddenAct.QUICK_GELU, 0, 2, 1));
        assertThat(config.headDim()).isEqualTo(16);
    }

    @Test
    void takesTransformersDefaultsForAbsentFields() {
        assertThat(parse("{}"))
                .isEqualTo(
                        new CLIPTextConfig(49408, 512, 2048, 8, 12, 77, 1e-5f, HiddenAct.QUICK_GELU, 49406, 49407, 1));
    }

    @Test
    void namesEveryInvalidField() {
        assertThatThrownBy(() -> parse("{\"hidden_size\": 30, \"num_attention_heads\": 4, \"num_hidden_layers\": 0}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden_size: 30 does not split into num_attention_heads 4")
                .hasMessageContaining("num_hidden_layers: must be ≥ 1, got 0");
    }

    @Test
    void refusesAnActivationItDoesNotImplement() {
        assertThatThrownBy(() -> parse("{\"hidden_act\": \"relu\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hidden_act: unsupported relu (supported: [quick_gelu, gelu])");
    }

    @Test
    void refusesANonIntegerWhereAnIntegerBelongs() {
        assertThatThrownBy(() -> parse("{\"vocab_size\": \"49408\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vocab_size: must be an integer, got \"49408\"");
    }

    private static CLIPTextConfig parse(String json) {
        return CLIPTextConfig.parse(JsonMapper.shared().readTree(json));
    }
}
