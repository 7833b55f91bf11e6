package io.kiln.worker.runtime;

import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.output.ResultManifest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds out, ahead of its batch, whether a job was already done: its manifest is in S3 because an earlier owner of
 * its partition stored the images and died before committing. The lookup starts when the job is taken and runs on a
 * virtual thread, so that it overlaps the running batch instead of delaying the next one.
 *
 * <p>Only records that an earlier owner can have fetched are looked up: those below the partition's end when this
 * worker was given it. A record written later reached no other member of the group, so it has no manifest to find;
 * skipping those keeps a steady stream of new jobs free of S3 reads. A member the group expelled but which still runs
 * (a zombie) may fetch later records too; it cannot commit, so at worst a job is computed twice, never announced
 * twice.
 *
 * <p>{@link #assigned} and {@link #lookUp} are called by the poll thread only.
 */
final class PriorRuns implements AutoCloseable {
    private static final CompletableFuture<Optional<ResultManifest>> NONE =
            CompletableFuture.completedFuture(Optional.empty());

    private final Function<String, Optional<ResultManifest>> findManifest;
    private final Runnable onLookUp;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Per partition, the first offset no earlier owner can have fetched. */
    private final Map<TopicPartition, Long> unseenFrom = new HashMap<>();

    /**
     * @param findManifest a job's manifest by job id, as {@link io.kiln.worker.output.ImageStore#findManifest}
     * @param onLookUp counts each manifest read
     */
    PriorRuns(Function<String, Optional<ResultManifest>> findManifest, Runnable onLookUp) {
        this.findManifest = findManifest;
        this.onLookUp = onLookUp;
    }

    /**
     * Records where each newly assigned partition ended (for a {@code read_committed} consumer, its last stable
     * offset): earlier owners fetched nothing beyond it. A partition left out is looked up in full.
     */
    void assigned(Map<TopicPartition, Long> ends) {
        unseenFrom.putAll(ends);
    }

    void forget(Collection<TopicPartition> partitions) {
        unseenFrom.keySet().removeAll(partitions);
    }

    /** The manifest of the job in {@code record}, if an earlier owner may have stored one; failures as the store's. */
    CompletableFuture<Optional<ResultManifest>> lookUp(JobRecord record, String jobId) {
        Long unseen = unseenFrom.get(record.partition());
        if (unseen != null && record.offset() >= unseen) {
            return NONE;
        }
        onLookUp.run();
        return CompletableFuture.supplyAsync(() -> findManifest.apply(jobId), threads);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
