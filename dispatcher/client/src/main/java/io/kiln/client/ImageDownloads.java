package io.kiln.client;

import io.kiln.contracts.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Saves a succeeded job's images into a folder, each checked against the SHA-256 its status gives. Every image is
 * fetched and checked before the first file is written, so an image that does not match leaves no file behind.
 */
final class ImageDownloads {
    /** A {@code GET} of a presigned URL, answering its body. */
    interface Fetch {
        byte[] get(URI url) throws InterruptedException;
    }

    private ImageDownloads() {}

    /**
     * Saves image {@code i} of {@code job} as {@code <job_id>-<i>.png} in {@code dir}, created if missing; an existing
     * file of that name is replaced.
     *
     * @throws IllegalStateException if the job has not succeeded
     * @throws KilnException.ImageMismatch if an image's bytes are not the ones the status describes
     * @throws KilnException.UnexpectedResponse if the status gives an image no URL
     */
    static List<Path> save(JobStatus job, Path dir, Fetch fetch) throws IOException, InterruptedException {
        if (job.status() != JobStatus.Status.SUCCEEDED) {
            throw new IllegalStateException("job " + job.jobId() + " is "
                    + job.status().wireName() + ": only a succeeded job has images to download");
        }
        List<byte[]> images = new ArrayList<>();
        for (int index = 0; index < job.images().size(); index++) {
            JobStatus.Image image = job.images().get(index);
            if (image.url() == null) {
                throw new KilnException.UnexpectedResponse(
                        200,
                        "the status of job " + job.jobId() + " gives image " + index
                                + " no url: the dispatcher predates image downloads",
                        null);
            }
            byte[] bytes = fetch.get(image.url());
            String sha256 = sha256(bytes);
            if (!sha256.equals(image.sha256())) {
                throw new KilnException.ImageMismatch(job.jobId(), index, image.uri(), image.sha256(), sha256);
            }
            images.add(bytes);
        }
        Files.createDirectories(dir);
        List<Path> saved = new ArrayList<>();
        for (int index = 0; index < images.size(); index++) {
            Path target = dir.resolve(job.jobId() + "-" + index + ".png");
            // written beside the target and moved over it, so that no reader sees half an image
            Path partial = Files.createTempFile(dir, "." + job.jobId() + "-" + index + "-", ".part");
            try {
                Files.write(partial, images.get(index));
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            saved.add(target);
        }
        return List.copyOf(saved);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
