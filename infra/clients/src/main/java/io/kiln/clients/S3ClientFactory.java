package io.kiln.clients;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Creates AWS SDK v2 S3 clients and presigners that work alike against AWS, MinIO and s3proxy.
 *
 * <p>Both kinds of object are thread-safe and meant to be created once and shared; the caller closes them.
 */
public final class S3ClientFactory {

    private S3ClientFactory() {}

    /** A synchronous S3 client on Apache HttpClient 5. */
    public static S3Client createClient(S3Settings settings) {
        return createClient(settings, ClientOverrideConfiguration.builder().build());
    }

    /**
     * A synchronous S3 client on Apache HttpClient 5 whose every call follows {@code overrides}, such as a timeout or a
     * retry strategy of the caller's. Set once here rather than on each request: a request's own override
     * configuration makes the SDK rebuild the client's configuration for that call.
     */
    public static S3Client createClient(S3Settings settings, ClientOverrideConfiguration overrides) {
        var builder = S3Client.builder()
                .overrideConfiguration(overrides)
                // The SDK's client on Apache HttpClient 4 is deprecated; on this one an upload also costs the worker
                // and the store less CPU (docs/BENCHMARKS.md, "S3 uploads").
                .httpClientBuilder(Apache5HttpClient.builder())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentialsProvider(settings.credentials()))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyleAccess())
                        // Over plain HTTP the SDK otherwise streams every upload as signed 128 KiB chunks: a buffer
                        // that size per PNG of a few KiB, and a signature per chunk for the store to check. The
                        // bodies are in memory, so one signature over the whole body costs less.
                        .chunkedEncodingEnabled(false)
                        .build())
                // Since 2.30 the SDK adds CRC checksums to every upload and checks them on every download; several
                // S3-compatible stores (s3proxy before 4.0, older MinIO) reject or garble them. Operations that need
                // a checksum still get one.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** A presigner producing URLs for the same store and keys as {@link #createClient(S3Settings)}. */
    public static S3Presigner createPresigner(S3Settings settings) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentialsProvider(settings.credentials()))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyleAccess())
                        .build());
        settings.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentialsProvider(S3Credentials credentials) {
        return switch (credentials) {
            case S3Credentials.StaticKeys keys ->
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()));
            case S3Credentials.DefaultChain chain ->
                DefaultCredentialsProvider.builder().build();
        };
    }
}
