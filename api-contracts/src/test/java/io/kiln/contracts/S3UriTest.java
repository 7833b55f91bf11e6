package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3UriTest {

    @Test
    void splitsBucketFromAKeyWithSlashesAndSpaces() {
        S3Uri uri = S3Uri.parse("s3://kiln-inputs/foxes/red fox.png");

        assertThat(uri.bucket()).isEqualTo("kiln-inputs");
        assertThat(uri.key()).isEqualTo("foxes/red fox.png");
        assertThat(uri).hasToString("s3://kiln-inputs/foxes/red fox.png");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://kiln-inputs/fox.png",
                "s3://kiln-inputs",
                "s3://kiln-inputs/",
                "s3://Kiln-Inputs/fox.png",
                "s3://ab/fox.png",
                "s3://-kiln/fox.png",
                "s3://kiln-inputs/fox\n.png"
            })
    void rejectsWhatIsNotABucketAndKey(String uri) {
        assertThatThrownBy(() -> S3Uri.parse(uri)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesASlashInTheBucketName() {
        assertThatThrownBy(() -> new S3Uri("kiln/inputs", "fox.png")).isInstanceOf(IllegalArgumentException.class);
    }
}
