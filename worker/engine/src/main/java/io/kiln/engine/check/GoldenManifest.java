package io.kiln.engine.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code manifest.json} of a golden-format folder: {@code files{relative path → entry}}, where each module-vector
 * entry carries a {@code tolerance: {atol, rtol, …}} derived from a float64 rerun of the reference (or the string
 * {@code "exact"}).
 */
final class GoldenManifest {
    static final String FILE_NAME = "manifest.json";

    private final Path file;
    private final JsonNode files;

    private GoldenManifest(Path file, JsonNode files) {
        this.file = file;
        this.files = files;
    }

    /**
     * The golden-format manifest nearest to {@code dir}: in it or in the closest folder above. A
     * {@code manifest.json} without a {@code files} object belongs to some other tool and is passed over.
     *
     * @throws IllegalArgumentException if a {@code manifest.json} on the way is not valid JSON
     * @throws UncheckedIOException if one cannot be read
     */
    static Optional<GoldenManifest> nearest(Path dir) {
        for (Path folder = dir.toAbsolutePath().normalize(); folder != null; folder = folder.getParent()) {
            Path candidate = folder.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                JsonNode files = read(candidate).path("files");
                if (files.isObject()) {
                    return Optional.of(new GoldenManifest(candidate, files));
                }
            }
        }
        return Optional.empty();
    }

    Path file() {
        return file;
    }

    /**
     * The tolerance of {@code vectorFile}'s entry, keyed by its path relative to the manifest's folder; empty when
     * the manifest lists no tolerance for it.
     *
     * @throws IllegalArgumentException if the entry's tolerance is neither {@code "exact"} nor numeric atol and rtol
     */
    Optional<Tolerance> tolerance(Path vectorFile) {
        String key = key(vectorFile);
        JsonNode tolerance = files.path(key).path("tolerance");
        if (tolerance.isMissingNode()) {
            return Optional.empty();
        }
        String source = "manifest " + file;
        if (tolerance.isString() && tolerance.stringValue().equals("exact")) {
            return Optional.of(new Tolerance(0, 0, source));
        }
        if (!tolerance.path("atol").isNumber() || !tolerance.path("rtol").isNumber()) {
            throw new IllegalArgumentException(file + ": files.\"" + key + "\".tolerance: must be \"exact\" or hold"
                    + " numeric atol and rtol, got " + tolerance);
        }
        return Optional.of(new Tolerance(
                tolerance.get("atol").doubleValue(), tolerance.get("rtol").doubleValue(), source));
    }

    /** The manifest's key for {@code vectorFile}: its path relative to the manifest's folder, with forward slashes. */
    String key(Path vectorFile) {
        Path relative = file.getParent().relativize(vectorFile.toAbsolutePath().normalize());
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }

    private static JsonNode read(Path file) {
        try {
            return JsonMapper.shared().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
