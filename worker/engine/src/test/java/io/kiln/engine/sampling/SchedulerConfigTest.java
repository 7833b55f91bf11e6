package io.kiln.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulerConfigTest {

    @Test
    void readsStableDiffusionsSchedulerConfig() {
        assertThat(Traces.stableDiffusionConfig()).isEqualTo(SchedulerConfig.stableDiffusion());
    }

    @Test
    void absentKeysTakeDiffusersDefaultsAndClassDependentOnesStayOpen() {
        SchedulerConfig config =
                SchedulerConfig.fromJson("{\"_class_name\": \"DDIMScheduler\", \"skip_prk_steps\": true}");

        assertThat(config)
                .isEqualTo(new SchedulerConfig(
                        1000, 0.0001, 0.02, BetaSchedule.LINEAR, 0, Optional.empty(), true, 1.0, Optional.empty()));
        assertThat(config.setAlphaToOneOr(true)).isTrue();
        assertThat(config.timestepSpacingOr(TimestepSpacing.LINSPACE)).isEqualTo(TimestepSpacing.LINSPACE);
    }

    @Test
    void explicitSpacingOverridesTheClassDefault() {
        SchedulerConfig config = SchedulerConfig.fromJson("{\"timestep_spacing\": \"trailing\"}");

        assertThat(config.timestepSpacingOr(TimestepSpacing.LEADING)).isEqualTo(TimestepSpacing.TRAILING);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"prediction_type\": \"v_prediction\"}                 | prediction_type",
                "{\"beta_schedule\": \"squaredcos_cap_v2\"}              | beta_schedule",
                "{\"timestep_spacing\": \"uniform\"}                     | timestep_spacing",
                "{\"num_train_timesteps\": \"1000\"}                     | num_train_timesteps",
                "{\"num_train_timesteps\": 1000.5}                       | num_train_timesteps",
                "{\"steps_offset\": -1}                                  | steps_offset",
                "{\"clip_sample\": \"no\"}                               | clip_sample",
                "{\"clip_sample_range\": 0}                              | clip_sample_range",
                "{\"beta_start\": 0.02, \"beta_end\": 0.01}              | beta_start",
                "{\"trained_betas\": [0.1, 0.2]}                         | trained_betas",
                "{\"thresholding\": true}                                | thresholding",
                "{\"use_karras_sigmas\": true}                           | use_karras_sigmas",
                "{\"rescale_betas_zero_snr\": true}                      | rescale_betas_zero_snr",
                "[1000]                                                  | JSON object",
                "{\"beta_start\": 0.0001,                                | not valid JSON"
            })
    void rejectsWhatTheSamplersCannotHonourNamingTheField(String json, String named) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SchedulerConfig.fromJson(json))
                .withMessageContaining(named);
    }
}
