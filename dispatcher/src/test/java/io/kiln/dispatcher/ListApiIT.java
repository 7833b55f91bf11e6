package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/jobs}: a key's own jobs, newest first, in pages, filtered by status. */
@KilnInfra
class ListApiIT {
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;
    private static final List<String> alphas = new ArrayList<>();
    private static final List<String> betas = new ArrayList<>();

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
        for (int i = 0; i < 5; i++) {
            alphas.add(submit(ALPHA_KEY));
        }
        for (int i = 0; i < 2; i++) {
            betas.add(submit(BETA_KEY));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jobIds(page(ALPHA_KEY, "")).size() == 5);
    }

    @AfterAll
    static void stop() throws Exception {
        kit.close();
    }

    @Test
    void aKeyListsItsOwnJobsNewestFirst() throws Exception {
        JsonNode page = page(ALPHA_KEY, "");
        assertThat(jobIds(page)).containsExactlyInAnyOrderElementsOf(alphas);
        List<Instant> accepted = new ArrayList<>();
        page.get("jobs")
                .forEach(
                        job -> accepted.add(Instant.parse(job.get("accepted_at").asString())));
        assertThat(accepted).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(page.get("next_cursor").isNull()).isTrue();
        assertThat(jobIds(page(BETA_KEY, ""))).containsExactlyInAnyOrderElementsOf(betas);
    }

    @Test
    void pagesFollowTheirCursorToTheEndWithoutRepeats() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = page(ALPHA_KEY, "limit=2" + (cursor == null ? "" : "&cursor=" + encode(cursor)));
            assertThat(page.get("jobs").size()).isLessThanOrEqualTo(2);
            seen.addAll(jobIds(page));
            cursor = page.get("next_cursor").isNull()
                    ? null
                    : page.get("next_cursor").asString();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(alphas);
    }

    @Test
    void theStatusFilterListsOnlyJobsInThatStatus() throws Exception {
        String running = alphas.getFirst();
        kit.publish(running, new JobEvent.Started("sd", "gpu-0", 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jobIds(page(ALPHA_KEY, "status=running")).equals(List.of(running)));
        assertThat(jobIds(page(ALPHA_KEY, "status=queued"))).hasSize(4).doesNotContain(running);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        assertInvalid(ALPHA_KEY, "limit=0", "limit");
        assertInvalid(ALPHA_KEY, "limit=many", "limit");
        assertInvalid(ALPHA_KEY, "status=done", "status");
        assertInvalid(ALPHA_KEY, "cursor=" + encode("not base64!"), "cursor");

        String betasCursor = page(BETA_KEY, "limit=1").get("next_cursor").asString();
        assertInvalid(ALPHA_KEY, "cursor=" + encode(betasCursor), "cursor");
        assertThat(kit.get(dispatcher, "/v1/jobs", null).statusCode()).isEqualTo(401);
    }

    private static void assertInvalid(String key, String query, String field) throws Exception {
        var response = kit.get(dispatcher, "/v1/jobs?" + query, key);
        assertThat(response.statusCode()).as(query).isEqualTo(400);
        assertThat(json(response).get("errors").get(0).get("field").asString()).isEqualTo(field);
    }

    private static String submit(String key) throws Exception {
        return kit.accepted(dispatcher, key);
    }

    private static JsonNode page(String key, String query) throws Exception {
        var response = kit.get(dispatcher, "/v1/jobs?" + query, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static List<String> jobIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("jobs").forEach(job -> ids.add(job.get("job_id").asString()));
        return ids;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
