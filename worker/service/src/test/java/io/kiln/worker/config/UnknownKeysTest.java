package io.kiln.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnknownKeysTest {

    @ParameterizedTest
    @CsvSource({
        "kitten, sitting, 3",
        "batch.max-image, batch.max-images, 1",
        "abc, abc, 0",
        "'', abc, 3",
        "s3.bukket, s3.bucket, 1"
    })
    void measuresTheEditDistance(String a, String b, int expected) {
        assertThat(UnknownKeys.distance(a, b)).isEqualTo(expected);
        assertThat(UnknownKeys.distance(b, a)).isEqualTo(expected);
    }
}
