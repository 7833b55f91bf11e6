package io.kiln.engine.random;

import static io.kiln.engine.random.Bitwise.assertSameBits;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.GoldenTensors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tensor torch 1.13's CPU generator drew for the reference ({@code golden/rng/torch_cpu_randn.safetensors}, seeds
 * 0, 1 and 42), and the noise the reference pipelines drew, reproduced bit for bit.
 */
class TorchGeneratorGoldenTest {
    private static final String FILE = "rng/torch_cpu_randn.safetensors";
    private static final long[] SMALL_LATENTS = {1, 4, 8, 8};

    private static NDManager manager;
    private static Map<String, NDArray> golden;

    @BeforeAll
    static void readReference() {
        manager = NDManager.newBaseManager();
        golden = GoldenTensors.read(FILE, manager);
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    /** Each tensor of the file with the Java calls that draw it; comments give torch's side where it differs. */
    static Stream<Arguments> draws() {
        return Stream.of(0, 1, 42).flatMap(seed -> {
            String prefix = "generator_seed" + seed + "_";
            Map<String, Supplier<Object>> draws = new LinkedHashMap<>();
            // torch.manual_seed(s): the global generator in the state of a fresh one
            draws.put("global_seed" + seed + "_randn_1x4x8x8", () -> new TorchGenerator(seed).randn(SMALL_LATENTS));
            draws.put(prefix + "randn_1x4x8x8", () -> new TorchGenerator(seed).randn(SMALL_LATENTS));
            draws.put(prefix + "randn_1x4x8x8_second_draw", () -> {
                TorchGenerator generator = new TorchGenerator(seed);
                generator.randn(SMALL_LATENTS);
                return generator.randn(SMALL_LATENTS);
            });
            draws.put(prefix + "randn_1x4x64x64", () -> new TorchGenerator(seed).randn(1, 4, 64, 64));
            draws.put(prefix + "randn_2x4x8x8", () -> new TorchGenerator(seed).randn(2, 4, 8, 8));
            draws.put(prefix + "randn_f64_1x4x8x8", () -> new TorchGenerator(seed).randnDouble(SMALL_LATENTS));
            draws.put(prefix + "rand_1x4x8x8", () -> new TorchGenerator(seed).rand(SMALL_LATENTS));
            // below 16 elements the scalar path, from 16 on the vectorised one with its recomputed tail
            for (int size : new int[] {10, 15, 16, 17}) {
                draws.put(prefix + "randn_" + size, () -> new TorchGenerator(seed).randn(size));
            }
            // diffusers' randn_tensor with a list of generators: each draws its own (1, 4, 8, 8), concatenated on the
            // batch axis, as the pipeline lays out a batch's noise
            draws.put(
                    "generator_list_seed" + seed + "_and_" + (seed + 1) + "_randn_2x4x8x8",
                    () -> concat(
                            new TorchGenerator(seed).randn(SMALL_LATENTS),
                            new TorchGenerator(seed + 1).randn(SMALL_LATENTS)));
            return draws.entrySet().stream().map(draw -> Arguments.of(draw.getKey(), draw.getValue()));
        });
    }

    private static float[] concat(float[] first, float[] second) {
        float[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("draws")
    void reproducesTorchBitForBit(String tensor, Supplier<Object> draw) {
        NDArray expected = golden.get(tensor);
        Object actual = draw.get();

        if (expected.getDataType() == DataType.FLOAT64) {
            assertSameBits(tensor, (double[]) actual, expected.toDoubleArray());
        } else {
            assertSameBits(tensor, (float[]) actual, expected.toFloatArray());
        }
    }

    @Test
    void coversEveryTensorOfTheReference() {
        assertThat(draws().map(arguments -> (String) arguments.get()[0]).collect(Collectors.toSet()))
                .hasSize(36)
                .isEqualTo(golden.keySet());
    }

    /**
     * The pipelines' own draws: txt2img's initial latents, and img2img's two draws from one generator (the VAE
     * posterior sample, then the noise added to the init latents).
     */
    static Stream<Arguments> pipelineDraws() {
        return Stream.of("tiny", "sd-mini")
                .flatMap(model -> Stream.of(
                        Arguments.of(model + "/txt2img_ddim_seed0", 0, List.of("rng_draw_0_pipeline_stable_diffusion")),
                        Arguments.of(
                                model + "/txt2img_ddim_seed42", 42, List.of("rng_draw_0_pipeline_stable_diffusion")),
                        Arguments.of(model + "/txt2img_pndm_seed0", 0, List.of("rng_draw_0_pipeline_stable_diffusion")),
                        Arguments.of(
                                model + "/txt2img_pndm_seed42", 42, List.of("rng_draw_0_pipeline_stable_diffusion")),
                        Arguments.of(
                                model + "/img2img_ddim_seed0",
                                0,
                                List.of("rng_draw_0_vae", "rng_draw_1_pipeline_stable_diffusion_img2img"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pipelineDraws")
    void drawsTheNoiseOfTheReferencePipelines(String run, int seed, List<String> drawsInOrder) {
        try (NDManager local = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = GoldenTensors.read("pipeline/" + run + ".safetensors", local);
            TorchGenerator generator = new TorchGenerator(seed);

            for (String draw : drawsInOrder) {
                NDArray expected = tensors.get(draw);
                float[] actual = generator.randn(expected.getShape().getShape());
                assertSameBits(run + " " + draw, actual, expected.toFloatArray());
            }
        }
    }
}
