package io.kiln.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
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
    void uploadsSignTheirWholeBodyInsteadOfStreamingSignedChunks() throws NoSuchAlgorithmException {
        byte[] body = "a small PNG".getBytes(StandardCharsets.UTF_8);
        AtomicReference<SdkHttpRequest> sent = new AtomicReference<>();
        var captureAndStop = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.set(context.httpRequest());
                throw new IllegalStateException("captured; not sent");
            }
        };
        try (S3Client client = S3ClientFactory.createClient(
                S3Settings.compatibleStore(LOCAL, "us-east-1", "kiln", "secret"),
                ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(captureAndStop)
                        .build())) {
            assertThatThrownBy(() -> client.putObject(
                            put -> put.bucket("renders").key("jobs/42/0.png"), RequestBody.fromBytes(body)))
                    .hasMessage("captured; not sent");
        }

        SdkHttpRequest request = sent.get();
        String bodySha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(request.firstMatchingHeader("x-amz-content-sha256")).contains(bodySha256);
        assertThat(request.firstMatchingHeader("Content-Encoding")).isEmpty();
        assertThat(request.firstMatchingHeader("Content-Length")).contains(Integer.toString(body.length));
        assertThat(request.encodedPath()).isEqualTo("/renders/jobs/42/0.png");
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
