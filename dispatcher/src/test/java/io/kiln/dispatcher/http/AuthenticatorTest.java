package io.kiln.dispatcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.dispatcher.config.ApiKey;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private static ApiKey key(String name, String secret) {
        return new ApiKey(
                name, HexFormat.of().formatHex(Authenticator.sha256(secret.getBytes(StandardCharsets.UTF_8))));
    }

    private final Authenticator authenticator =
            new Authenticator(List.of(key("ana", "ana-secret"), key("bo", "bo-secret")));

    @Test
    void namesTheKeyOfABearerHeader() {
        assertThat(authenticator.keyName("Bearer ana-secret")).contains("ana");
        assertThat(authenticator.keyName("bearer bo-secret")).contains("bo");
    }

    @Test
    void knowsNoOtherKeyOrScheme() {
        assertThat(authenticator.keyName(null)).isEmpty();
        assertThat(authenticator.keyName("")).isEmpty();
        assertThat(authenticator.keyName("Bearer ")).isEmpty();
        assertThat(authenticator.keyName("Bearer ana-secreT")).isEmpty();
        assertThat(authenticator.keyName("Basic ana-secret")).isEmpty();
        assertThat(authenticator.keyName("ana-secret")).isEmpty();
    }
}
