package io.kiln.engine.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.model.Golden;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class AutoencoderKLConfigTest {

    @Test
    void readsTheSdMiniConfig() throws IOException {
        AutoencoderKLConfig config = AutoencoderKLConfig.read(Golden.file("models/sd-mini/vae/config.json"));

        assertThat(config).isEqualTo(new AutoencoderKLConfig(3, 3, List.of(32, 32, 64, 64), 2, 4, 32, 64, 0.18215));
        assertThat(config.spatialScaleFactor()).isEqualTo(8);
    }

    @Test
    void takesDiffusersDefaultsForAbsentFields() {
        AutoencoderKLConfig config = parse("{\"block_out_channels\": [32, 64]}");

        assertThat(config).isEqualTo(new AutoencoderKLConfig(3, 3, List.of(32, 64), 1, 4, 32, 32, 0.18215));
        assertThat(config.spatialScaleFactor()).isEqualTo(2);
    }

    @Test
    void namesEveryInvalidField() {
        assertThatThrownBy(() ->
                        parse("{\"block_out_channels\": [32, 48], \"layers_per_block\": 0, \"scaling_factor\": -1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block_out_channels: 48 does not split into norm_num_groups 32")
                .hasMessageContaining("layers_per_block: must be ≥ 1, got 0")
                .hasMessageContaining("scaling_factor: must be a positive number, got -1.0");
    }

    @Test
    void refusesBlockTypesItDoesNotImplement() {
        assertThatThrownBy(() ->
                        parse("{\"block_out_channels\": [32], \"down_block_types\": [\"AttnDownEncoderBlock2D\"]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("down_block_types: unsupported \"AttnDownEncoderBlock2D\"");
    }

    @Test
    void refusesANonIntegerWhereAnIntegerBelongs() {
        assertThatThrownBy(() -> parse("{\"latent_channels\": 4.5}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latent_channels: must be an integer, got 4.5");
    }

    private static AutoencoderKLConfig parse(String json) {
        return AutoencoderKLConfig.parse(JsonMapper.shared().readTree(json));
    }
}
