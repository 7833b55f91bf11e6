package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.sampling.Sampler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class PngWriterTest {
    private static final RgbImage IMAGE = TestImages.gradient(96, 64);

    private static GenerationParameters parameters(String prompt) {
        return new GenerationParameters(
                prompt, "", 30, Sampler.DDIM, 7.5, 42, 96, 64, "sd-v1-5", "1a2b3c4d5e", OptionalDouble.empty());
    }

    @Test
    void encodesPixelsLosslessly() throws IOException {
        byte[] png = PngWriter.encode(IMAGE, parameters("a fox"));

        assertThat(RgbImage.of(ImageIO.read(new ByteArrayInputStream(png))).pixels())
                .isEqualTo(IMAGE.pixels());
    }

    @Test
    void writesLatin1ParametersAsTextChunkBeforeImageData() throws IOException {
        GenerationParameters parameters = parameters("a café fox");

        byte[] png = PngWriter.encode(IMAGE, parameters);

        PngChunks chunks = PngChunks.read(png);
        assertThat(chunks.types())
                .startsWith("IHDR", "tEXt")
                .doesNotContain("iTXt")
                .endsWith("IEND");
        byte[] expected = ("parameters\0" + parameters.infotext()).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(chunks.ofType("tEXt")).singleElement().satisfies(chunk -> assertThat(chunk.data())
                .isEqualTo(expected));
        assertThat(textEntry(png, "tEXtEntry", "value")).isEqualTo(parameters.infotext());
    }

    @Test
    void writesOtherUnicodeParametersAsUncompressedUtf8InternationalTextChunk() throws IOException {
        GenerationParameters parameters = parameters("雪の中の狐 🦊");

        byte[] png = PngWriter.encode(IMAGE, parameters);

        PngChunks chunks = PngChunks.read(png);
        assertThat(chunks.types()).startsWith("IHDR", "iTXt").doesNotContain("tEXt");
        byte[] data = chunks.ofType("iTXt").getFirst().data();
        byte[] header = "parameters\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        assertThat(Arrays.copyOf(data, header.length)).isEqualTo(header);
        assertThat(new String(data, header.length, data.length - header.length, StandardCharsets.UTF_8))
                .isEqualTo(parameters.infotext());
        assertThat(textEntry(png, "iTXtEntry", "text")).isEqualTo(parameters.infotext());
    }

    @Test
    void filtersRowsSoSmoothImagesAreSmallerThanImageIoWrites() {
        RgbImage smooth = TestImages.gradient(256, 256);

        byte[] ours = PngWriter.encode(smooth, parameters("a fox"));

        assertThat(ours.length).isLessThan(TestImages.encode(smooth, "png").length / 2);
    }

    /** The {@code parameters} entry as ImageIO's native PNG metadata ({@code javax_imageio_png_1.0}) shows it. */
    private static String textEntry(byte[] png, String entryName, String valueAttribute) throws IOException {
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(input);
                IIOMetadata metadata = reader.getImageMetadata(0);
                Node root = metadata.getAsTree("javax_imageio_png_1.0");
                for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
                    for (Node entry = node.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
                        if (entry.getNodeName().equals(entryName)
                                && ((Element) entry).getAttribute("keyword").equals("parameters")) {
                            if (entryName.equals("iTXtEntry")) {
                                assertThat(((Element) entry).getAttribute("compressionFlag"))
                                        .isEqualTo("FALSE");
                            }
                            return ((Element) entry).getAttribute(valueAttribute);
                        }
                    }
                }
                throw new AssertionError("no " + entryName + " with keyword parameters");
            } finally {
                reader.dispose();
            }
        }
    }
}
