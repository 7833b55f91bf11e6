package io.kiln.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.check.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-step bounds of the golden pipeline runs, as the manifest records them. */
class TolerancesTest {
    private static final String PNDM = "pipeline/sd-mini/txt2img_pndm_seed42.safetensors";

    @Test
    void perStepBoundsTakeEachStepsAtolAndTheSharedRtol() {
        List<Tolerance> unet = Tolerances.perStep(PNDM, "unet_out", 11);
        List<Tolerance> latents = Tolerances.perStep(PNDM, "latents", 11);

        assertThat(unet).hasSize(11);
        assertThat(unet.get(1).atol()).isEqualTo(6e-4);
        assertThat(latents.get(10).atol()).isEqualTo(0.02);
        assertThat(latents.get(10).rtol()).isEqualTo(1e-4);
        assertThat(unet.get(3).source()).isEqualTo("manifest.json " + PNDM + " tolerance_latents.unet_out_atol[3]");
    }

    @Test
    void failsWhenTheRunHasMoreStepsThanBounds() {
        Golden.dir();
        assertThatThrownBy(() -> Tolerances.perStep(PNDM, "latents", 12))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerance_latents.latents_atol has 11 bounds, but the run has 12 steps");
    }

    @Test
    void failsWhenTheEntryHasNoPerStepBounds() {
        Golden.dir();
        assertThatThrownBy(() -> Tolerances.perStep("pipeline/tiny/txt2img_ddim_batch2.safetensors", "latents", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tolerance_latents.latents_atol is missing");
    }
}
