package io.kiln.dispatcher.http;

import io.kiln.dispatcher.intake.CancelIntake;
import io.kiln.dispatcher.intake.JobIntake;
import io.kiln.dispatcher.metrics.ApiMetrics;
import io.kiln.dispatcher.storage.ImageLinks;
import io.kiln.dispatcher.storage.UploadStore;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the API's routes answer from.
 *
 * @param jobs accepts jobs and finds their status
 * @param cancels writes cancels
 * @param unmetReadiness what keeps the dispatcher from serving, such as {@code Kafka does not answer}; empty when
 *     ready. Called on every health request, from HTTP threads
 * @param links gives each image of a job shown to a client a fresh download URL
 * @param uploads stores uploaded init images
 * @param metrics where every request is counted and timed
 */
public record ApiServices(
        JobIntake jobs,
        CancelIntake cancels,
        Supplier<List<String>> unmetReadiness,
        ImageLinks links,
        UploadStore uploads,
        ApiMetrics metrics) {
    public ApiServices {
        Objects.requireNonNull(jobs, "jobs");
        Objects.requireNonNull(cancels, "cancels");
        Objects.requireNonNull(unmetReadiness, "unmetReadiness");
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(uploads, "uploads");
        Objects.requireNonNull(metrics, "metrics");
    }
}
