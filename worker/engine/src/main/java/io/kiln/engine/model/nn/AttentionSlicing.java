package io.kiln.engine.model.nn;

/**
 * How attention bounds its memory: the (B·N, T, S) score tensor is computed for a slice of the queries at a time.
 * A 512² image at full resolution has (16, 4096, 4096) fp32 scores, 1 GiB, for one self-attention.
 *
 * @param sliceSize queries per slice, or 0 to choose it from {@code maxScoreBytes}
 * @param maxScoreBytes the largest score tensor one slice may allocate when the size is automatic
 */
public record AttentionSlicing(int sliceSize, long maxScoreBytes) {
    /** Automatic slicing with a 256 MiB score budget: no slicing at all for SD 1.x at 512² on batch 2 but the first level. */
    public static final AttentionSlicing AUTO = new AttentionSlicing(0, 256L << 20);

    public AttentionSlicing {
        if (sliceSize < 0) {
            throw new IllegalArgumentException("sliceSize must be ≥ 0 (0 = automatic), got " + sliceSize);
        }
        if (maxScoreBytes <= 0) {
            throw new IllegalArgumentException("maxScoreBytes must be > 0, got " + maxScoreBytes);
        }
    }

    /** A fixed number of queries per slice. */
    public static AttentionSlicing fixed(int sliceSize) {
        return new AttentionSlicing(sliceSize, AUTO.maxScoreBytes);
    }

    /** How many queries one slice takes, for scores of shape (batchHeads, queries, keys). */
    public long queriesPerSlice(long batchHeads, long queries, long keys, int bytesPerElement) {
        if (sliceSize > 0) {
            return Math.min(sliceSize, queries);
        }
        long perQuery = batchHeads * keys * bytesPerElement;
        return Math.max(1, Math.min(queries, maxScoreBytes / perQuery));
    }
}
