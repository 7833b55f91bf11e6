package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class JobEventEnvelopeTest {

    static Stream<JobEvent> everyKindOfEvent() {
        return Fixtures.everyKindOfEvent().stream();
    }

    @ParameterizedTest
    @MethodSource("everyKindOfEvent")
    void roundTripsExactly(JobEvent data) {
        JobEventEnvelope event = Fixtures.envelope(data);

        byte[] json = JsonCodec.write(event);
        JobEventEnvelope read = JsonCodec.readEvent(json);

        assertThat(read).isEqualTo(event);
        assertThat(JsonCodec.write(read)).isEqualTo(json);
    }

    @Test
    void writesACloudEventInStructuredJsonMode() {
        String json = text(JsonCodec.write(Fixtures.envelope(Fixtures.succeeded())));

        assertThat(tree(json)).isEqualTo(tree("""
                        {"specversion": "1.0",
                         "id": "0196a0b4-7c3e-7d45-9f1a-3c2b1a0e9d8c",
                         "source": "/kiln/workers/gpu-0",
                         "type": "io.kiln.job.succeeded",
                         "subject": "job-42",
                         "time": "2026-05-01T12:00:01.500Z",
                         "datacontenttype": "application/json",
                         "data": {
                           "images": [{
                             "uri": "s3://kiln-outputs/job-42/0.png",
                             "url": "https://s3.example.com/kiln-outputs/job-42/0.png?X-Amz-Signature=abc",
                             "url_expires_at": "2026-05-01T13:00:00.123456789Z",
                             "seed": 1234, "width": 512, "height": 768, "size_bytes": 421337,
                             "sha256": "%s"}],
                           "timings": {"queue_wait_ms": 1500, "denoise_ms": 4200, "decode_ms": 310, "upload_ms": 95},
                           "batch_size": 4}}""".formatted(Fixtures.SHA256)));
    }

    @Test
    void writesErrorCodesByTheirWireNames() {
        String json = text(JsonCodec.write(
                Fixtures.envelope(new JobEvent.Failed(ErrorCode.INIT_IMAGE_UNREADABLE, "not a PNG", false, 1))));

        assertThat(tree(json).get("data").get("code").stringValue()).isEqualTo("init_image_unreadable");
    }

    @ParameterizedTest
    @MethodSource("everyKindOfEvent")
    void derivesTheCloudEventsTypeFromTheData(JobEvent data) {
        JobEventEnvelope event = Fixtures.envelope(data);

        assertThat(tree(text(JsonCodec.write(event))).get("type").stringValue())
                .isEqualTo(event.type())
                .startsWith("io.kiln.job.");
    }

    @Test
    void wrapsEventsWithTimeOrderedIds() {
        JobEventEnvelope first = JobEventEnvelope.of(
                URI.create("/kiln/workers/gpu-0"), "job-42", Instant.now(), new JobEvent.Progress(1, 2));
        JobEventEnvelope second = JobEventEnvelope.of(
                URI.create("/kiln/workers/gpu-0"), "job-42", Instant.now(), new JobEvent.Progress(2, 2));

        assertThat(UUID.fromString(first.id()).version()).isEqualTo(7);
        assertThat(first.id()).isLessThan(second.id());
        assertThat(first.subject()).isEqualTo("job-42");
    }

    @Test
    void ignoresAttributesAndFieldsItDoesNotKnow() {
        String json = """
                {"specversion": "1.0", "id": "e-1", "source": "/kiln/dispatcher", "type": "io.kiln.job.cancelled",
                 "subject": "job-42", "time": "2026-05-01T12:00:00Z", "datacontenttype": "application/json",
                 "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                 "data": {"reason": "operator", "cancelled_by": "ana"}}""";

        assertThat(JsonCodec.readEvent(json.getBytes(StandardCharsets.UTF_8)).data())
                .isEqualTo(new JobEvent.Cancelled("operator"));
    }

    @Test
    void readsErrorCodesNewerThanThisVersionAsInternal() {
        String json = """
                {"specversion": "1.0", "id": "e-1", "source": "/kiln/workers/gpu-0", "type": "io.kiln.job.failed",
                 "subject": "job-42", "time": "2026-05-01T12:00:00Z", "datacontenttype": "application/json",
                 "data": {"code": "gpu_on_fire", "message": "smoke", "retriable": false, "attempts": 1}}""";

        assertThat(JsonCodec.readEvent(json.getBytes(StandardCharsets.UTF_8)).data())
                .isEqualTo(new JobEvent.Failed(ErrorCode.INTERNAL, "smoke", false, 1));
    }

    /**
     * broker_unavailable was in the contract and never emitted: a worker cannot announce through Kafka that Kafka was
     * away, and the dispatcher answers 503 instead. Removed, it reads as any code this version does not know.
     */
    @Test
    void readsTheRemovedBrokerUnavailableAsInternal() {
        String json = """
                {"specversion": "1.0", "id": "e-1", "source": "/kiln/workers/gpu-0", "type": "io.kiln.job.failed",
                 "subject": "job-42", "time": "2026-05-01T12:00:00Z", "datacontenttype": "application/json",
                 "data": {"code": "broker_unavailable", "message": "away", "retriable": true, "attempts": 1}}""";

        assertThat(JsonCodec.readEvent(json.getBytes(StandardCharsets.UTF_8)).data())
                .isEqualTo(new JobEvent.Failed(ErrorCode.INTERNAL, "away", true, 1));
    }

    @Test
    void refusesAnotherCloudEventsVersion() {
        String json = text(JsonCodec.write(Fixtures.envelope(new JobEvent.Progress(1, 2))))
                .replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"");

        assertThatThrownBy(() -> JsonCodec.readEvent(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("specversion must be 1.0");
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static JsonNode tree(String json) {
        return JsonCodec.mapper().readTree(json);
    }
}
