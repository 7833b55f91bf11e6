package io.kiln.engine.model.tokenizer;

import java.util.Arrays;

/**
 * A prompt as token ids, in the two forms diffusers' {@code StableDiffusionPipeline.encode_prompt} computes: the
 * fixed-length ids the text encoder reads, and the untruncated ids it compares them with to warn about a cut-off
 * prompt. Immutable: the arrays are copied in and out.
 *
 * @param inputIds {@code <|startoftext|>}, at most {@code maxLength - 2} BPE ids, {@code <|endoftext|>}, then the
 *     pad id up to {@code maxLength}
 * @param untruncatedIds {@code <|startoftext|>}, every BPE id, {@code <|endoftext|>}; no padding
 */
public record Tokenized(int[] inputIds, int[] untruncatedIds) {
    public Tokenized {
        inputIds = inputIds.clone();
        untruncatedIds = untruncatedIds.clone();
    }

    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    @Override
    public int[] untruncatedIds() {
        return untruncatedIds.clone();
    }

    /** Whether BPE tokens were dropped to fit {@link #inputIds()}. */
    public boolean truncated() {
        return untruncatedIds.length > inputIds.length;
    }

    /** The number of untruncated ids, start and end tokens included. */
    public int untruncatedLength() {
        return untruncatedIds.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tokenized that
                && Arrays.equals(inputIds, that.inputIds)
                && Arrays.equals(untruncatedIds, that.untruncatedIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(untruncatedIds);
    }

    @Override
    public String toString() {
        return "Tokenized[inputIds=" + Arrays.toString(inputIds) + ", untruncatedIds=" + Arrays.toString(untruncatedIds)
                + "]";
    }
}
