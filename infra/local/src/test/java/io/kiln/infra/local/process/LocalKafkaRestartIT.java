package io.kiln.infra.local.process;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.infra.local.KafkaEndpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** What {@code kiln infra down} then {@code up} does to the broker: same folder, same data. */
class LocalKafkaRestartIT {

    @Test
    void brokerRestartedOnItsFolderKeepsItsClusterAndTopics() throws Exception {
        Path folder = TestFolders.fresh("kafka-restart-");
        String clusterId;
        try (LocalKafka first = LocalKafka.start(LocalKafkaConfig.forTests(folder));
                Admin admin = admin(first.endpoint())) {
            assertThat(ServerJitIT.arguments(first.pid())).contains(ServerJitIT.C1_ONLY);
            admin.createTopics(List.of(new NewTopic("renders", 2, (short) 1)))
                    .all()
                    .get(30, SECONDS);
            clusterId = admin.describeCluster().clusterId().get(30, SECONDS);
        }

        try (LocalKafka second = LocalKafka.start(LocalKafkaConfig.forTests(folder));
                Admin admin = admin(second.endpoint())) {
            assertThat(admin.describeCluster().clusterId().get(30, SECONDS)).isEqualTo(clusterId);
            assertThat(admin.listTopics().names().get(30, SECONDS)).isEqualTo(Set.of("renders"));
        }
    }

    private static Admin admin(KafkaEndpoint kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
