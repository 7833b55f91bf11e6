package io.kiln.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import io.kiln.infra.local.S3Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

@KilnInfra
class S3InfraIT {

    @Test
    void createsABucketThenPutsGetsHeadsAndListsObjects(S3Endpoint s3) {
        String bucket = newBucketName();
        byte[] first = randomBytes(200_000);
        byte[] second = randomBytes(1_000);
        try (S3Client client = S3ClientFactory.createClient(s3.toS3Settings())) {
            client.createBucket(request -> request.bucket(bucket));
            put(client, bucket, "jobs/1/0.png", first);
            put(client, bucket, "jobs/1/1.png", second);
            put(client, bucket, "jobs/2/0.png", second);

            byte[] read = client.getObjectAsBytes(
                            request -> request.bucket(bucket).key("jobs/1/0.png"))
                    .asByteArray();
            HeadObjectResponse head =
                    client.headObject(request -> request.bucket(bucket).key("jobs/1/0.png"));

            assertThat(read).isEqualTo(first);
            assertThat(head.contentLength()).isEqualTo(first.length);
            assertThat(head.contentType()).isEqualTo("image/png");
            assertThat(client.listObjectsV2(request -> request.bucket(bucket).prefix("jobs/1/"))
                            .contents())
                    .extracting(S3Object::key)
                    .containsExactly("jobs/1/0.png", "jobs/1/1.png");
            assertThat(client.listBuckets().buckets()).extracting(Bucket::name).contains(bucket);
        }
    }

    @Test
    void presignedGetServesTheObjectToAPlainHttpClient(S3Endpoint s3) throws Exception {
        String bucket = newBucketName();
        byte[] png = randomBytes(50_000);
        URI url;
        try (S3Client client = S3ClientFactory.createClient(s3.toS3Settings());
                S3Presigner presigner = S3ClientFactory.createPresigner(s3.toS3Settings())) {
            client.createBucket(request -> request.bucket(bucket));
            put(client, bucket, "jobs/7/0.png", png);
            url = presigner
                    .presignGetObject(request -> request.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(get -> get.bucket(bucket).key("jobs/7/0.png")))
                    .url()
                    .toURI();
        }

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response =
                    http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(png);
        }
    }

    @Test
    void rejectsRequestsSignedWithAnotherSecret(S3Endpoint s3) {
        S3Settings wrongSecret = new S3Settings(
                Optional.of(s3.endpoint()), s3.region(), true, S3Credentials.staticKeys(s3.accessKey(), "not-it"));
        try (S3Client client = S3ClientFactory.createClient(wrongSecret)) {
            assertThatThrownBy(client::listBuckets)
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    private static void put(S3Client client, String bucket, String key, byte[] bytes) {
        client.putObject(
                request -> request.bucket(bucket).key(key).contentType("image/png"), RequestBody.fromBytes(bytes));
    }

    private static String newBucketName() {
        return "renders-" + UUID.randomUUID();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
