package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelHashTest {
    @TempDir
    Path dir;

    @Test
    void isFirstTenHexDigitsOfFileSha256() throws IOException {
        Path checkpoint = Files.writeString(dir.resolve("model.safetensors"), "hello", StandardCharsets.US_ASCII);

        // sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
        assertThat(ModelHash.of(checkpoint)).isEqualTo("2cf24dba5f");
    }

    @Test
    void streamsFilesLargerThanItsBuffer() throws IOException, NoSuchAlgorithmException {
        byte[] content = new byte[(5 << 20) / 2 + 17];
        new Random(1).nextBytes(content);
        Path checkpoint = Files.write(dir.resolve("model.safetensors"), content);

        assertThat(ModelHash.sha256(checkpoint))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    @Test
    void hashesDiffusersFolderByItsUnetWeights() throws IOException {
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.safetensors"), "hello");
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.fp16.safetensors"), "other");

        assertThat(ModelHash.of(dir)).isEqualTo("2cf24dba5f");
    }

    @Test
    void fallsBackToFp16UnetWeights() throws IOException {
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/diffusion_pytorch_model.fp16.safetensors"), "hello");

        assertThat(ModelHash.of(dir)).isEqualTo("2cf24dba5f");
    }

    @Test
    void namesMissingUnetWeightsOfDiffusersFolder() {
        assertThatThrownBy(() -> ModelHash.of(dir))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("unet/diffusion_pytorch_model.safetensors")
                .hasMessageContaining("hashed by its UNet weights");
    }
}
