package io.kiln.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ServerBackendTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;
    private static final BooleanSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("local mode must not probe for Docker");
    };

    @Test
    void autoUsesContainersWhenDockerAnswers() {
        assertThat(ServerBackend.choose(InfraMode.AUTO, DOCKER)).isEqualTo(ServerBackend.CONTAINERS);
    }

    @Test
    void autoFallsBackToChildProcessesWithoutDocker() {
        assertThat(ServerBackend.choose(InfraMode.AUTO, NO_DOCKER)).isEqualTo(ServerBackend.CHILD_PROCESSES);
    }

    @Test
    void localUsesChildProcessesWithoutProbingDocker() {
        assertThat(ServerBackend.choose(InfraMode.LOCAL, MUST_NOT_ASK)).isEqualTo(ServerBackend.CHILD_PROCESSES);
    }

    @Test
    void dockerModeFailsClearlyWithoutDocker() {
        assertThatIllegalStateException()
                .isThrownBy(() -> ServerBackend.choose(InfraMode.DOCKER, NO_DOCKER))
                .withMessageStartingWith("kiln.infra.mode is docker, but no Docker engine answers");
    }

    @Test
    void dockerModeUsesContainers() {
        assertThat(ServerBackend.choose(InfraMode.DOCKER, DOCKER)).isEqualTo(ServerBackend.CONTAINERS);
    }
}
