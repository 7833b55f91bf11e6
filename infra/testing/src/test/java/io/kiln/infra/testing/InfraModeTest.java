package io.kiln.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class InfraModeTest {

    @Test
    void isAutoWhenNothingIsSet() {
        assertThat(InfraMode.resolve(null, null)).isEqualTo(InfraMode.AUTO);
        assertThat(InfraMode.resolve(" ", "")).isEqualTo(InfraMode.AUTO);
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        assertThat(InfraMode.resolve("local", "docker")).isEqualTo(InfraMode.LOCAL);
    }

    @Test
    void environmentAppliesWhenThePropertyIsUnset() {
        assertThat(InfraMode.resolve(null, "Docker")).isEqualTo(InfraMode.DOCKER);
    }

    @Test
    void rejectsAnUnknownModeNamingTheSourceAndTheChoices() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> InfraMode.resolve(null, "podman"))
                .withMessage("KILN_INFRA_MODE must be one of auto, docker, local, was 'podman'");
    }
}
