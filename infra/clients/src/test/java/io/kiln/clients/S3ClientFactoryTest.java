package io.kiln.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Checks what the factory configures; requests against a real store are in infra/local's integration tests. */
class S3ClientFactoryTest {

    private static final URI LOCAL = URI.create("http://127.0.0.1:9000");

    @Test
    void clientTargetsTheOverriddenEndpointWithChecksumsOnlyWhenRequired() {
        try (S3Client client =
                S3ClientFactory.createClient(S3Settings.compatibleStore(LOCAL, "us-east-1", "kiln", "secret"))) {
            S3ServiceClientConfiguration configuration = client.serviceClientConfiguration();

            assertThat(configuration.endpointOverride()).contains(LOCAL);
            assertThat(configuration.region()).isEqualTo(Region.US_EAST_1);
            assertThat(configuration.requestChecksumCalculation()).isEqualTo(RequestChecksumCalculation.WHEN_REQUIRED);
            assertThat(configuration.responseChecksumValidation()).isEqualTo(ResponseChecksumValidation.WHEN_REQUIRED);
        }
    }

    @Test
    void presignsPathStyleUrlsOnTheOverriddenEndpoint() {
        try (S3Presigner presigner =
                S3ClientFactory.createPresigner(S3Settings.compatibleStore(LOCAL, "us-east-1", "kiln", "secret"))) {
            URL url = presignGet(presigner, "renders", "jobs/42/0.png");

            assertThat(url.toString())
                    .startsWith("http://127.0.0.1:9000/renders/jobs/42/0.png?")
                    .contains("X-Amz-Credential=kiln%2F")
                    .contains("%2Fus-east-1%2Fs3%2Faws4_request");
        }
    }

    @Test
    void presignsVirtualHostedUrlsOnAwsWithoutOverride() {
        S3Settings aws =
                new S3Settings(Optional.empty(), "eu-west-1", false, S3Credentials.staticKeys("AKIDEXAMPLE", "secret"));
        try (S3Presigner presigner = S3ClientFactory.createPresigner(aws)) {
            URL url = presignGet(presigner, "renders", "jobs/42/0.png");

            assertThat(url.toString()).startsWith("https://renders.s3.eu-west-1.amazonaws.com/jobs/42/0.png?");
        }
    }

    private static URL presignGet(S3Presigner presigner, String bucket, String key) {
        return presigner
                .presignGetObject(request -> request.signatureDuration(Duration.ofMinutes(5))
                        .getObjectRequest(get -> get.bucket(bucket).key(key)))
                .url();
    }
}
