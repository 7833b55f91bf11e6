package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.contracts.S3Uri;
import org.junit.jupiter.api.Test;

class OutputLayoutTest {

    @Test
    void putsImagesAndTheManifestInOneFolderPerJobUnderThePrefix() {
        var layout = new OutputLayout("kiln-outputs", "prod/renders");

        assertThat(layout.image("0196a0b4-7c3e", 0))
                .isEqualTo(S3Uri.parse("s3://kiln-outputs/prod/renders/0196a0b4-7c3e/0.png"));
        assertThat(layout.image("0196a0b4-7c3e", 11))
                .isEqualTo(S3Uri.parse("s3://kiln-outputs/prod/renders/0196a0b4-7c3e/11.png"));
        assertThat(layout.manifest("0196a0b4-7c3e"))
                .isEqualTo(S3Uri.parse("s3://kiln-outputs/prod/renders/0196a0b4-7c3e/result.json"));
    }

    @Test
    void anEmptyPrefixPutsJobFoldersAtTheBucketRootWithoutALeadingSlash() {
        var layout = new OutputLayout("kiln-outputs", "");

        assertThat(layout.image("job-1", 3).key()).isEqualTo("job-1/3.png");
        assertThat(layout.manifest("job-1").key()).isEqualTo("job-1/result.json");
    }

    @Test
    void rejectsPrefixesWithStraySlashes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OutputLayout("kiln-outputs", "renders/"))
                .withMessageContaining("prefix")
                .withMessageContaining("'renders/'");
        assertThatIllegalArgumentException().isThrownBy(() -> new OutputLayout("kiln-outputs", "/renders"));
        assertThatIllegalArgumentException().isThrownBy(() -> new OutputLayout("kiln-outputs", "a//b"));
    }

    @Test
    void rejectsAnInvalidBucketName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OutputLayout("Kiln_Outputs", ""))
                .withMessageContaining("Kiln_Outputs");
    }

    @Test
    void rejectsJobIdsThatWouldLeaveTheJobFolderAndNegativeIndexes() {
        var layout = new OutputLayout("kiln-outputs", "renders");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> layout.image("a/b", 0))
                .withMessageContaining("a/b");
        assertThatIllegalArgumentException().isThrownBy(() -> layout.manifest(""));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> layout.image("job-1", -1))
                .withMessageContaining("-1");
    }
}
