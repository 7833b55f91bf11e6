package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

class CancelCommandTest {
    @Test
    void roundTripsWithSnakeCaseNames() {
        var command = new CancelCommand("cancelled by the client", Instant.parse("2026-05-01T12:00:05Z"));

        byte[] json = JsonCodec.write(command);

        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"reason\":\"cancelled by the client\",\"requested_at\":\"2026-05-01T12:00:05Z\"}");
        assertThat(JsonCodec.readCancel(json)).isEqualTo(command);
    }

    @Test
    void aCommandWithoutReasonIsRejected() {
        byte[] json = "{\"requested_at\":\"2026-05-01T12:00:05Z\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonCodec.readCancel(json))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("reason");
    }
}
