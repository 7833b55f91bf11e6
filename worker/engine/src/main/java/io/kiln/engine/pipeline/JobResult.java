package io.kiln.engine.pipeline;

import java.util.List;

/**
 * What a job got from a batch.
 *
 * @param promptTruncated whether the prompt or negative prompt had more than CLIP's 75 tokens, the rest ignored
 */
public record JobResult(String jobId, List<GeneratedImage> images, boolean promptTruncated) {
    public JobResult {
        images = List.copyOf(images);
    }
}
