package io.kiln.cli;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.Topics;
import io.kiln.infra.local.S3Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** What a local cluster needs before its dispatcher and workers start: the job topics and the image bucket. */
final class LocalProvisioning {

    /** The bucket the workers store images in. */
    static final String BUCKET = "kiln-local";

    private LocalProvisioning() {}

    /**
     * Creates the job and event topics with {@code partitions} partitions unless the job topic exists (a restart keeps
     * its topics: Kafka cannot add partitions without moving job ids to other partitions than their earlier records),
     * and returns the job topic's partition count. The dispatcher and the workers create the other topics with that
     * count; the job and event topics are created here together because the dispatcher's status fold reads them
     * partition by partition, which needs the same count on both.
     */
    static int ensureTopics(String bootstrapServers, int partitions) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get();
            if (existing.contains(Topics.JOBS)) {
                return admin.describeTopics(List.of(Topics.JOBS))
                        .allTopicNames()
                        .get()
                        .get(Topics.JOBS)
                        .partitions()
                        .size();
            }
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(Topics.JOBS, Topics.EVENTS)) {
                if (!existing.contains(topic)) {
                    // -1: the broker's default replication, 1 on the local single broker
                    missing.add(new NewTopic(topic, partitions, (short) -1));
                }
            }
            admin.createTopics(missing).all().get();
            return partitions;
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot check or create the topics: " + e.getCause().getMessage(), e);
        }
    }

    /** Creates {@link #BUCKET} unless it exists: the workers refuse to start without it. */
    static void ensureBucket(S3Endpoint s3) {
        S3Settings settings = S3Settings.compatibleStore(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey());
        try (S3Client client = S3ClientFactory.createClient(settings)) {
            try {
                client.headBucket(request -> request.bucket(BUCKET));
            } catch (NoSuchBucketException e) {
                client.createBucket(request -> request.bucket(BUCKET));
            }
        }
    }
}
