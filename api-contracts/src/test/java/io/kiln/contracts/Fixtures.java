package io.kiln.contracts;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sample messages with every field set, shared by the tests. */
final class Fixtures {
    static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private Fixtures() {}

    /** An img2img request that sets every field to a value other than its default. */
    static GenerationRequest fullRequest() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("owner", "ana");
        metadata.put("ticket", "KIL-7");
        return GenerationRequest.builder()
                .jobId("job-42")
                .model("sd-1.5")
                .mode(Mode.IMG2IMG)
                .prompt("a red fox in snow")
                .negativePrompt("blurry")
                .width(512)
                .height(768)
                .numInferenceSteps(30)
                .guidanceScale(8.5)
                .sampler(Sampler.EULER_ANCESTRAL)
                .eta(0.5)
                .seed(1234L)
                .numImages(2)
                .strength(0.6)
                .initImage(S3Uri.parse("s3://kiln-inputs/foxes/1.png"))
                .priority(5)
                .deadline(Instant.parse("2026-05-01T12:00:00Z"))
                .metadata(metadata)
                .build();
    }

    /** The JSON of {@link #fullRequest()}. */
    static final String FULL_REQUEST_JSON = """
            {"schema_version":1,"job_id":"job-42","model":"sd-1.5","mode":"img2img",\
            "prompt":"a red fox in snow","negative_prompt":"blurry","width":512,"height":768,\
            "num_inference_steps":30,"guidance_scale":8.5,"sampler":"euler_ancestral","eta":0.5,"seed":1234,\
            "num_images":2,"strength":0.6,"init_image":"s3://kiln-inputs/foxes/1.png","priority":5,\
            "deadline":"2026-05-01T12:00:00Z","metadata":{"owner":"ana","ticket":"KIL-7"}}""";

    static JobEvent.Succeeded succeeded() {
        JobEvent.Succeeded.Image image = new JobEvent.Succeeded.Image(
                S3Uri.parse("s3://kiln-outputs/job-42/0.png"),
                URI.create("https://s3.example.com/kiln-outputs/job-42/0.png?X-Amz-Signature=abc"),
                Instant.parse("2026-05-01T13:00:00.123456789Z"),
                1234L,
                512,
                768,
                421_337L,
                SHA256);
        return new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1500, 4200, 310, 95), 4);
    }

    /** One event of every kind. */
    static List<JobEvent> everyKindOfEvent() {
        return List.of(
                new JobEvent.Started("sd-1.5", "gpu-0", 2),
                new JobEvent.Progress(12, 30),
                succeeded(),
                new JobEvent.Failed(ErrorCode.OUT_OF_MEMORY, "CUDA out of memory at batch 1", true, 4),
                new JobEvent.Cancelled("cancelled by ana"));
    }

    static JobEventEnvelope envelope(JobEvent data) {
        return new JobEventEnvelope(
                JobEventEnvelope.SPEC_VERSION,
                "0196a0b4-7c3e-7d45-9f1a-3c2b1a0e9d8c",
                URI.create("/kiln/workers/gpu-0"),
                "job-42",
                Instant.parse("2026-05-01T12:00:01.5Z"),
                JobEventEnvelope.DATA_CONTENT_TYPE,
                data);
    }
}
