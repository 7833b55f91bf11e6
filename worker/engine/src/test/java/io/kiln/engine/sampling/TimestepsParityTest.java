package io.kiln.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.model.Golden;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every scheduler's timesteps equal diffusers' exactly (golden {@code timesteps.json}), SD 1.5's config. */
class TimestepsParityTest {

    static Stream<Arguments> runs() {
        return Stream.of("ddim_eta0", "ddim_eta1", "pndm_plms", "ddpm", "euler", "euler_ancestral", "dpmpp_2m")
                .flatMap(trace -> Stream.of(1, 10, 20, 50).map(steps -> Arguments.of(trace, steps)));
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("runs")
    void equalDiffusersTimesteps(String trace, int steps) {
        JsonNode expected = JsonMapper.shared()
                .readTree(Golden.file("schedulers/timesteps.json").toFile())
                .path("timesteps")
                .path(trace)
                .path(Integer.toString(steps));
        float[] values = new float[expected.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = expected.get(i).floatValue();
        }

        try (Scheduler scheduler = Traces.scheduler(trace)) {
            assertThat(scheduler.setTimesteps(steps)).isNotEmpty().isEqualTo(values);
            assertThat(scheduler.timesteps()).isEqualTo(values);
        }
    }
}
