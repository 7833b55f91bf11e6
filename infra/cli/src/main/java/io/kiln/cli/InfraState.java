package io.kiln.cli;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the servers of {@code kiln infra up} answer, kept in a file so that later commands (and people) can find
 * them.
 *
 * @param kafka the broker
 * @param s3 the S3 server and its keys
 */
record InfraState(KafkaEndpoint kafka, S3Endpoint s3) {

    private static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
    private static final String S3_ENDPOINT = "s3.endpoint";
    private static final String S3_REGION = "s3.region";
    private static final String S3_ACCESS_KEY = "s3.access.key";
    private static final String S3_SECRET_KEY = "s3.secret.key";

    InfraState {
        if (kafka == null || s3 == null) {
            throw new IllegalArgumentException("kafka and s3 must not be null");
        }
    }

    /** The state in {@code file}; empty if there is no such file. */
    static Optional<InfraState> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        try {
            return Optional.of(new InfraState(
                    new KafkaEndpoint(properties.getProperty(KAFKA_BOOTSTRAP)),
                    new S3Endpoint(
                            URI.create(properties.getProperty(S3_ENDPOINT, "")),
                            properties.getProperty(S3_REGION),
                            properties.getProperty(S3_ACCESS_KEY),
                            properties.getProperty(S3_SECRET_KEY))));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "); run kiln infra down", e);
        }
    }

    void write(Path file) {
        Properties properties = new Properties();
        properties.setProperty(KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        properties.setProperty(S3_ENDPOINT, s3.endpoint().toString());
        properties.setProperty(S3_REGION, s3.region());
        properties.setProperty(S3_ACCESS_KEY, s3.accessKey());
        properties.setProperty(S3_SECRET_KEY, s3.secretKey());
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Written by kiln infra up: where the local servers answer");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Shell lines that hand the addresses to Kiln's services: {@code eval "$(kiln infra status | grep ^export)"}. */
    List<String> exportLines() {
        return List.of(
                "export KILN_KAFKA_BOOTSTRAP=" + kafka.bootstrapServers(),
                "export KILN_S3_ENDPOINT=" + s3.endpoint(),
                "export KILN_S3_REGION=" + s3.region(),
                "export KILN_S3_ACCESS_KEY=" + s3.accessKey(),
                "export KILN_S3_SECRET_KEY=" + s3.secretKey());
    }
}
