package io.kiln.engine.check;

import java.nio.file.Path;
import java.util.Optional;

/** Which tolerance each vector file is held to. */
@FunctionalInterface
public interface ToleranceSource {
    /** The absolute bound where nothing else is known: loose enough for fp32 reordering, tight enough for bugs. */
    double DEFAULT_ATOL = 1e-4;

    /** The relative bound where nothing else is known. */
    double DEFAULT_RTOL = 1e-4;

    /** The tolerance for the outputs of {@code vectorFile}. */
    Tolerance forFile(Path vectorFile);

    /** The same tolerance for every file, as a user gave it. */
    static ToleranceSource fixed(Tolerance tolerance) {
        return vectorFile -> tolerance;
    }

    /**
     * The tolerances of the golden-format {@code manifest.json} in {@code vectorsDir} or the nearest folder above it,
     * each file by its entry; {@link #DEFAULT_ATOL} and {@link #DEFAULT_RTOL} for a file it gives no tolerance, or
     * when there is no such manifest. {@link #forFile} refuses an entry whose tolerance is malformed with an
     * {@link IllegalArgumentException} naming the manifest and the key.
     *
     * @throws IllegalArgumentException if a {@code manifest.json} on the way is not valid JSON
     * @throws java.io.UncheckedIOException if one cannot be read
     */
    static ToleranceSource nearestManifest(Path vectorsDir) {
        Optional<GoldenManifest> nearest = GoldenManifest.nearest(vectorsDir);
        if (nearest.isEmpty()) {
            return fixed(byDefault("no golden-format " + GoldenManifest.FILE_NAME + " in "
                    + vectorsDir.toAbsolutePath().normalize() + " or above"));
        }
        GoldenManifest manifest = nearest.get();
        return vectorFile -> manifest.tolerance(vectorFile)
                .orElseGet(() -> byDefault("no tolerance for " + manifest.key(vectorFile) + " in " + manifest.file()));
    }

    private static Tolerance byDefault(String why) {
        return new Tolerance(DEFAULT_ATOL, DEFAULT_RTOL, "default: " + why);
    }
}
