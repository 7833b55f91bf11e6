package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA;
import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static io.kiln.dispatcher.DispatcherKit.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each key's rate limit on a real dispatcher: alpha may make {@value #ALPHA_PER_SECOND} requests a second, beta
 * plenty, and gamma {@value #GAMMA_PER_HOUR} an hour, so that once refused it stays refused for the test.
 */
@KilnInfra
class RateLimitIT {
    private static final int ALPHA_PER_SECOND = 4;
    private static final int GAMMA_PER_HOUR = 2;
    private static final String GAMMA_KEY = "gamma-secret-5555555555";

    private static DispatcherKit kit;
    private static Dispatcher dispatcher;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        DispatcherConfig standard = kit.config(kafka.bootstrapServers(), Duration.ofSeconds(10));
        dispatcher = kit.startReady(new DispatcherConfig(
                standard.http(),
                standard.kafka(),
                standard.topics(),
                standard.status(),
                List.of(
                        new ApiKey(ALPHA, sha256(ALPHA_KEY), new RateLimit(ALPHA_PER_SECOND, Duration.ofSeconds(1))),
                        new ApiKey(BETA, sha256(BETA_KEY), new RateLimit(1000, Duration.ofSeconds(1))),
                        new ApiKey("gamma", sha256(GAMMA_KEY), new RateLimit(GAMMA_PER_HOUR, Duration.ofHours(1)))),
                standard.storage(),
                standard.uploads(),
                standard.metrics()));
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void aKeyOverItsRateIsAnswered429WithRetryAfterAndServedAgainAfterWaitingThatLong() throws Exception {
        HttpResponse<String> refused = untilRefused(ALPHA_KEY, 2 * ALPHA_PER_SECOND);

        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isEqualTo(1);
        assertThat(json(refused).get("code").asString()).isEqualTo("rate_limited");
        assertThat(json(refused).get("message").asString())
                .contains("'" + ALPHA + "'", ALPHA_PER_SECOND + "/s")
                .doesNotContain(ALPHA_KEY);

        // another key's requests are its own: alpha's exhaustion leaves beta's permits alone
        for (int i = 0; i < 3 * ALPHA_PER_SECOND; i++) {
            assertThat(kit.get(dispatcher, "/v1/jobs/none", BETA_KEY).statusCode())
                    .isEqualTo(404);
        }

        // what a client does when told to come back in retryAfter seconds: the wait is the behaviour under test
        Thread.sleep(Duration.ofSeconds(retryAfter));
        assertThat(kit.get(dispatcher, "/v1/jobs/none", ALPHA_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void everyAuthenticatedRouteCountsAgainstTheKeyAndTheHealthCheckAgainstNone() throws Exception {
        HttpResponse<String> refused = untilRefused(GAMMA_KEY, GAMMA_PER_HOUR);
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
                .isGreaterThan(3500)
                .isLessThanOrEqualTo(3600);

        assertThat(kit.submit(dispatcher, GAMMA_KEY, "{\"prompt\": \"a fox\"}").statusCode())
                .isEqualTo(429);
        assertThat(kit.delete(dispatcher, "/v1/jobs/none", GAMMA_KEY).statusCode())
                .isEqualTo(429);
        assertThat(kit.get(dispatcher, "/openapi.json", GAMMA_KEY).statusCode()).isEqualTo(429);
        assertThat(kit.get(dispatcher, "/v1/health", null).statusCode()).isEqualTo(200);

        String metrics = kit.metrics(dispatcher).body();
        assertThat(metrics)
                .containsPattern("(?m)^kiln_api_key_rate_limited_total\\{key=\"gamma\"} [4-9]")
                .contains("kiln_http_requests_seconds_count{method=\"POST\",route=\"/v1/jobs\",status=\"429\"} 1");
    }

    /**
     * Sends requests with {@code key} until one is refused, at most {@code atMost} + 1: a key may spend a window's
     * permits at once whatever it spent in the one before, so a limit of n a second may pass 2n across an edge.
     */
    private static HttpResponse<String> untilRefused(String key, int atMost) throws Exception {
        for (int i = 0; i <= atMost; i++) {
            HttpResponse<String> response = kit.get(dispatcher, "/v1/jobs/none", key);
            if (response.statusCode() != 404) {
                return response;
            }
        }
        throw new AssertionError("no request was refused after " + (atMost + 1));
    }
}
