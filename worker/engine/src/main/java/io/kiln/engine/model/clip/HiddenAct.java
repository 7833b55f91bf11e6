package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.kiln.engine.model.nn.Activations;
import java.util.Arrays;

/** The activation of the CLIP MLP, by its transformers {@code hidden_act} name. */
public enum HiddenAct {
    /**
     * {@code x·σ(1.702·x)}, the sigmoid approximation of GELU that OpenAI trained CLIP with (Hendrycks and Gimpel
     * 2016, "Gaussian Error Linear Units", §2); SD 1.x's text encoder uses it.
     */
    QUICK_GELU("quick_gelu") {
        @Override
        NDArray apply(NDArray x) {
            return x.mul(Activation.sigmoid(Activations.scale(x, 1.702f)));
        }
    },
    /** The exact (erf) GELU. */
    GELU("gelu") {
        @Override
        NDArray apply(NDArray x) {
            return Activations.gelu(x);
        }
    };

    private final String configName;

    HiddenAct(String configName) {
        this.configName = configName;
    }

    /** The name in {@code config.json}. */
    public String configName() {
        return configName;
    }

    /** The activation a {@code config.json} names. */
    public static HiddenAct named(String configName) {
        return Arrays.stream(values())
                .filter(act -> act.configName.equals(configName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("hidden_act: unsupported " + configName
                        + " (supported: "
                        + Arrays.stream(values()).map(HiddenAct::configName).toList() + ")"));
    }

    /** (…) → (…), elementwise. */
    abstract NDArray apply(NDArray x);
}
