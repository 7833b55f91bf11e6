package io.kiln.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A1111's "Model hash": the first 10 hex digits of the SHA-256 of the checkpoint file (its {@code shorthash}), which
 * civitai also uses to recognize a model.
 *
 * <p>A diffusers folder has no single checkpoint file, so its hash is that of the UNet's weights
 * ({@code unet/diffusion_pytorch_model.safetensors}, else the {@code .fp16} variant, the files
 * {@code ModelLoader} reads): the UNet is what fine-tunes change, while the text encoder and VAE are often shared.
 * Such a hash matches no A1111 hash of the same model converted to one file; it still tells models apart.
 */
public final class ModelHash {
    private static final int SHORT_LENGTH = 10;
    private static final int BUFFER_BYTES = 1 << 20;

    private ModelHash() {}

    /**
     * The short hash of {@code model}, a single checkpoint file or a diffusers folder. Reads the whole file, a few
     * seconds for a 2–4 GB checkpoint: compute it once per model.
     */
    public static String of(Path model) throws IOException {
        Path file = Files.isDirectory(model) ? unetWeights(model) : model;
        return sha256(file).substring(0, SHORT_LENGTH);
    }

    /** The SHA-256 of {@code file} in lowercase hex, streamed: checkpoints do not fit on the heap. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Path unetWeights(Path folder) throws NoSuchFileException {
        Path unet = folder.resolve("unet");
        for (String name :
                new String[] {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"}) {
            Path file = unet.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new NoSuchFileException(
                unet.resolve("diffusion_pytorch_model.safetensors").toString(),
                null,
                "a diffusers folder is hashed by its UNet weights, and this one has none");
    }
}
