package io.kiln.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    private static final URI LOCAL = URI.create("http://127.0.0.1:9000");

    @Test
    void compatibleStoreUsesPathStyleAndTheGivenKeys() {
        S3Settings settings = S3Settings.compatibleStore(LOCAL, "us-east-1", "kiln", "kiln-secret");

        assertThat(settings.endpointOverride()).contains(LOCAL);
        assertThat(settings.pathStyleAccess()).isTrue();
        assertThat(settings.credentials()).isEqualTo(S3Credentials.staticKeys("kiln", "kiln-secret"));
    }

    @Test
    void awsUsesRegionalEndpointsVirtualHostsAndTheDefaultChain() {
        S3Settings settings = S3Settings.aws("eu-west-1");

        assertThat(settings.endpointOverride()).isEmpty();
        assertThat(settings.pathStyleAccess()).isFalse();
        assertThat(settings.credentials()).isInstanceOf(S3Credentials.DefaultChain.class);
    }

    @Test
    void rejectsABlankRegionNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Settings.aws(" "))
                .withMessage("region must not be blank");
    }

    @Test
    void rejectsARegionThatIsNotARegionName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Settings.aws("US East"))
                .withMessageContaining("region must look like us-east-1")
                .withMessageContaining("US East");
    }

    @Test
    void rejectsAnEndpointWithoutHttpScheme() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Settings.compatibleStore(URI.create("localhost:9000"), "us-east-1", "a", "b"))
                .withMessageStartingWith("endpointOverride must be an http or https URI");
    }

    @Test
    void rejectsAnEndpointWithoutHost() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Settings.compatibleStore(URI.create("http:/path"), "us-east-1", "a", "b"))
                .withMessageStartingWith("endpointOverride must name a host");
    }

    @Test
    void rejectsMissingPartsNamingThem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new S3Settings(null, "us-east-1", true, S3Credentials.defaultChain()))
                .withMessage("endpointOverride must not be null");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new S3Settings(Optional.empty(), "us-east-1", true, null))
                .withMessage("credentials must not be null");
    }

    @Test
    void rejectsBlankKeysNamingThem() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Credentials.staticKeys("", "secret"))
                .withMessage("accessKeyId must not be blank");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> S3Credentials.staticKeys("kiln", null))
                .withMessage("secretAccessKey must not be blank");
    }

    @Test
    void neverShowsTheSecretKey() {
        S3Settings settings = S3Settings.compatibleStore(LOCAL, "us-east-1", "kiln", "very-secret-value");

        assertThat(settings.toString()).contains("kiln").doesNotContain("very-secret-value");
    }
}
