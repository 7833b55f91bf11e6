package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalKafkaConfigTest {

    private static final Path FOLDER = Path.of("target/kafka");

    @Test
    void testBrokersTakeAnyFreePortAndDieWithTheirParent() {
        LocalKafkaConfig config = LocalKafkaConfig.forTests(FOLDER);

        assertThat(config.port()).isZero();
        assertThat(config.lifetime()).isEqualTo(ChildLifetime.TIED_TO_PARENT);
        assertThat(config.jit()).isEqualTo(ServerJit.QUICK_START);
    }

    @Test
    void developmentBrokersAreDetachedAndCompiledForLongRuns() {
        LocalKafkaConfig config = LocalKafkaConfig.forDevelopment(FOLDER, 9092);

        assertThat(config.lifetime()).isEqualTo(ChildLifetime.DETACHED);
        assertThat(config.jit()).isEqualTo(ServerJit.FULL_SPEED);
    }

    @Test
    void addsBrokerPropertiesWithoutChangingTheOriginal() {
        LocalKafkaConfig original = LocalKafkaConfig.forTests(FOLDER);

        LocalKafkaConfig changed = original.withBrokerProperty("num.partitions", "4");

        assertThat(changed.brokerProperties()).containsExactly(Map.entry("num.partitions", "4"));
        assertThat(original.brokerProperties()).isEmpty();
    }

    @Test
    void rejectsAPortOutOfRangeNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LocalKafkaConfig.forDevelopment(FOLDER, 70_000))
                .withMessage("port must be between 0 (any free port) and 65535, was 70000");
    }

    @Test
    void rejectsANonPositiveStartupTimeoutNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LocalKafkaConfig(
                        FOLDER, 0, ChildLifetime.TIED_TO_PARENT, Duration.ZERO, Map.of(), ServerJit.QUICK_START))
                .withMessage("startupTimeout must be positive, was PT0S");
    }

    @Test
    void rejectsAMissingFolderNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LocalKafkaConfig.forTests(null))
                .withMessage("directory must not be null");
    }
}
