package io.kiln.engine.pipeline;

import java.util.Objects;

/**
 * What to draw and what to steer away from, and how hard: classifier-free guidance predicts the noise under both
 * prompts and moves by {@code guidanceScale} from the negative towards the positive, ε = ε_u + s·(ε_c − ε_u).
 *
 * @param text the prompt
 * @param negative the negative prompt; empty for none, which CLIP encodes like any prompt (SD 1.x has no zero
 *     unconditional embedding)
 * @param guidanceScale s; s ≤ 1 means no guidance, and the unconditional pass is not run
 */
public record Prompt(String text, String negative, double guidanceScale) {
    public Prompt {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(negative, "negative");
        if (!Double.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("guidance scale must be finite, got " + guidanceScale);
        }
    }
}
