package io.kiln.engine.sampling;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * img2img's schedule: the steps a strength runs (diffusers' {@code get_timesteps} after {@code set_timesteps(20)}) and
 * the init latents noised to the first of them, for DDIM and PNDM (golden {@code img2img_noising.safetensors} and
 * {@code img2img_timesteps.json}).
 */
class Img2ImgParityTest {
    private static final String FILE = "schedulers/img2img_noising.safetensors";

    @ParameterizedTest(name = "{0}, strength {1}")
    @CsvSource({
        "ddim, 0.3, s030", "ddim, 0.5, s050", "ddim, 0.75, s075", "ddim, 1.0, s100",
        "pndm, 0.3, s030", "pndm, 0.5, s050", "pndm, 0.75, s075", "pndm, 1.0, s100"
    })
    void runsTheReferenceStepsFromTheReferenceNoisedLatents(String scheduler, double strength, String suffix) {
        String name = scheduler + "_" + suffix;
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler sampler = (scheduler.equals("ddim") ? Sampler.DDIM : Sampler.PLMS)
                        .create(Traces.stableDiffusionConfig())) {
            Map<String, NDArray> golden = GoldenTensors.read(FILE, manager);
            float[] timesteps = sampler.setTimesteps(20);

            int start = sampler.startIndexForStrength(strength);
            float[] run = Arrays.copyOfRange(timesteps, start, timesteps.length);

            assertThat(run).isEqualTo(asFloats(golden.get("timesteps_" + name).toLongArray()));
            JsonNode expected = JsonMapper.shared()
                    .readTree(Golden.file("schedulers/img2img_timesteps.json").toFile())
                    .get(name);
            assertThat(run).isEqualTo(asFloats(expected.get("timesteps_run")));
            assertThat(run[0]).isEqualTo(expected.get("latent_timestep").floatValue());

            NDArray noised = sampler.addNoise(golden.get("init_latents"), golden.get("noise"), start);
            assertClose("noised_" + name, noised, golden.get("noised_" + name), Tolerances.forFile(FILE));
        }
    }

    private static float[] asFloats(long[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = values[i];
        }
        return floats;
    }

    private static float[] asFloats(JsonNode array) {
        float[] floats = new float[array.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = array.get(i).floatValue();
        }
        return floats;
    }
}
