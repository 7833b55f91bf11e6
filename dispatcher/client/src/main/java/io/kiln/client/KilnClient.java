package io.kiln.client;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Violation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Java client of the dispatcher's HTTP API (docs/DISPATCHER.md, docs/CLIENT.md): submits generation requests,
 * reads their status, follows their events, cancels them, downloads their images, and uploads init images for
 * img2img.
 *
 * <pre>{@code
 * try (KilnClient kiln = KilnClient.builder().baseUrl(URI.create("http://127.0.0.1:8080")).apiKey(key).build()) {
 *     JobHandle job = kiln.submit(GenerationRequest.builder().prompt("a red fox in snow").build());
 *     JobStatus done = job.await(Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p><b>Retries.</b> A call answered {@code 503} or {@code 429}, or whose connection failed, is tried again as the
 * {@link RetryPolicy} says; status reads, cancels, uploads and image downloads are idempotent, so they are retried the
 * same way. A request without a {@code job_id} gets one (a random UUID) before its first try, so every try sends the
 * same job and the dispatcher writes it at most once. Other refusals are thrown at once, each as its own {@link
 * KilnException}.
 *
 * <p>Immutable and safe to use from many threads. {@link #close()} closes the HTTP client if this client made it.
 */
public final class KilnClient implements AutoCloseable {
    private static final String JSON = "application/json";
    // await: quick first looks for a job that is done at once, then a gentle pace for one that takes minutes
    private static final Duration FIRST_POLL_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_POLL_PAUSE = Duration.ofSeconds(2);

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final Duration requestTimeout;
    private final RetryPolicy retryPolicy;

    private KilnClient(Builder builder) {
        this.baseUrl = builder.baseUrl.toString().replaceAll("/+$", "");
        this.authorization = "Bearer " + builder.apiKey;
        this.ownsHttp = builder.httpClient == null;
        this.http = ownsHttp
                ? HttpClient.newBuilder().connectTimeout(builder.connectTimeout).build()
                : builder.httpClient;
        this.requestTimeout = builder.requestTimeout;
        this.retryPolicy = builder.retryPolicy;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Submits {@code request} ({@code POST /v1/jobs}) and returns its handle once the dispatcher accepted it (Kafka
     * holds the job). Without a {@code job_id} the request is given a random UUID first.
     *
     * @throws KilnException if the dispatcher refused the request ({@link KilnException.Unauthorized}, {@link
     *     KilnException.Conflict}, {@link KilnException.PayloadTooLarge}, …) or stayed unavailable through every try
     *     ({@link KilnException.Unavailable})
     */
    public JobHandle submit(GenerationRequest request) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        GenerationRequest identified = request.jobId() != null
                ? request
                : request.toBuilder().jobId(UUID.randomUUID().toString()).build();
        return post(identified.jobId(), JsonCodec.write(identified));
    }

    /**
     * Submits a request held as JSON, such as one written by another service or one with fields newer than this
     * client's contract version. The dispatcher validates it: a broken one throws {@link
     * KilnException.InvalidRequest} naming every field. Without a {@code job_id} the JSON is given one first, as by
     * {@link #submit(GenerationRequest)}.
     *
     * @throws IllegalArgumentException if {@code requestJson} is not a JSON object
     */
    public JobHandle submit(String requestJson) throws InterruptedException {
        Objects.requireNonNull(requestJson, "requestJson");
        JsonNode root;
        try {
            root = JsonCodec.mapper().readTree(requestJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("requestJson is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new IllegalArgumentException("requestJson must be a JSON object");
        }
        JsonNode given = object.get("job_id");
        if (given == null || given.isNull()) {
            object.put("job_id", UUID.randomUUID().toString());
        }
        // a job_id that is not a string is the dispatcher's to refuse (400); its text only names the attempt
        JsonNode jobId = object.get("job_id");
        return post(
                jobId.isString() ? jobId.asString() : jobId.toString(),
                JsonCodec.mapper().writeValueAsBytes(object));
    }

    /**
     * Uploads a PNG or JPEG image ({@code POST /v1/uploads}) and returns its {@code s3://} URI, to be sent as an img2img
     * request's {@code init_image}. The dispatcher stores an image under its SHA-256, so uploading the same image again
     * returns the same URI; that makes the upload safe to retry, and it is retried like a submission.
     *
     * @param contentType {@code image/png} or {@code image/jpeg}, as the bytes are
     * @throws KilnException.InvalidRequest if the bytes are not a whole image of that type, or declare more pixels than
     *     a worker takes (the violation's field is {@code $})
     * @throws KilnException.UnsupportedMediaType if {@code contentType} is neither
     * @throws KilnException.PayloadTooLarge if the image is over the dispatcher's upload limit
     * @throws KilnException for the other refusals, or once retrying gave up ({@link KilnException.Unavailable}: the
     *     dispatcher, or S3 behind it, did not answer)
     */
    public S3Uri upload(byte[] image, String contentType) throws InterruptedException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(contentType, "contentType");
        HttpRequest request = authorized("/v1/uploads")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        HttpResponse<byte[]> response = exchange(request);
        if (response.statusCode() != 201) {
            throw refusal(response);
        }
        String uri = read(response, JsonNode.class).path("uri").asString("");
        try {
            return S3Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new KilnException.UnexpectedResponse(
                    201, "the dispatcher answered an upload with '" + uri + "', not an s3:// URI", e);
        }
    }

    /**
     * Uploads the PNG or JPEG image in {@code file}, as {@link #upload(byte[], String)} does.
     *
     * @throws IOException if the file cannot be read
     */
    public S3Uri upload(Path file, String contentType) throws IOException, InterruptedException {
        Objects.requireNonNull(file, "file");
        return upload(Files.readAllBytes(file), contentType);
    }

    /** The handle of a job submitted earlier, by this or another client with the same key. Asks nothing yet. */
    public JobHandle job(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        if (!GenerationRequest.isJobId(jobId)) {
            throw new IllegalArgumentException("jobId must be 1 to 128 characters from A-Z a-z 0-9 . _ : -");
        }
        return new JobHandle(this, jobId);
    }

    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }

    JobStatus status(String jobId) throws InterruptedException {
        HttpRequest request = authorized("/v1/jobs/" + jobId).GET().build();
        HttpResponse<byte[]> response = exchange(request);
        return switch (response.statusCode()) {
            case 200 -> read(response, JobStatus.class);
            case 404 -> throw new KilnException.NotFound(jobId);
            default -> throw refusal(response);
        };
    }

    JobUpdate events(String jobId, Consumer<JobUpdate> listener) throws InterruptedException {
        return new EventStream(this, http, retryPolicy).follow(jobId, listener);
    }

    JobStatus cancel(String jobId) throws InterruptedException {
        HttpRequest request = authorized("/v1/jobs/" + jobId).DELETE().build();
        HttpResponse<byte[]> response = exchange(request);
        return switch (response.statusCode()) {
            // 202: the cancel is written; 200: the job had already finished, and nothing was written
            case 200, 202 -> read(response, JobStatus.class);
            case 404 -> throw new KilnException.NotFound(jobId);
            default -> throw refusal(response);
        };
    }

    List<Path> download(String jobId, Path dir) throws IOException, InterruptedException {
        return ImageDownloads.save(status(jobId), dir, this::fetch);
    }

    /**
     * The body of a {@code GET} of a presigned URL, retried like the dispatcher's calls. It carries no API key: the
     * URL's signature is its credential, and the key is not for S3's eyes.
     */
    private byte[] fetch(URI url) throws InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        HttpResponse<byte[]> response = exchange(request);
        if (response.statusCode() != 200) {
            // the host and path only: the query holds the signature
            throw new KilnException.UnexpectedResponse(
                    response.statusCode(),
                    "unexpected answer " + response.statusCode() + " to GET " + url.getHost() + url.getPath() + ": "
                            + abbreviated(response),
                    null);
        }
        return response.body();
    }

    JobStatus await(String jobId, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL_PAUSE;
        while (true) {
            JobStatus status = status(jobId);
            if (status.isFinal()) {
                return status;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new KilnException.AwaitTimedOut(timeout, status);
            }
            Thread.sleep(Math.min(pause.toNanos(), left) / 1_000_000 + 1);
            pause = pause.multipliedBy(2);
            if (pause.compareTo(LONGEST_POLL_PAUSE) > 0) {
                pause = LONGEST_POLL_PAUSE;
            }
        }
    }

    private JobHandle post(String jobId, byte[] body) throws InterruptedException {
        HttpRequest request = authorized("/v1/jobs")
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> response = exchange(request);
        if (response.statusCode() != 202) {
            throw refusal(response);
        }
        String accepted = read(response, JsonNode.class).path("job_id").asString("");
        if (!accepted.equals(jobId)) {
            throw new KilnException.UnexpectedResponse(
                    202, "the dispatcher accepted job " + accepted + " for a request sent as " + jobId, null);
        }
        return new JobHandle(this, jobId);
    }

    private HttpRequest.Builder authorized(String path) {
        return authorized(path, JSON).timeout(requestTimeout);
    }

    /** A request to {@code path} with this client's key, without a timeout: an event stream lasts as its job does. */
    HttpRequest.Builder authorized(String path, String accept) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", accept)
                .header("Authorization", authorization);
    }

    /**
     * Sends {@code request} until it gets an answer other than 503 or 429, or the retry policy gives up. Every try
     * sends the same bytes, so a submission repeats the same {@code job_id}.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request) throws InterruptedException {
        long start = System.nanoTime();
        long budget = retryPolicy.giveUpAfter().toNanos();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response = null;
            IOException failure = null;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                failure = e;
            }
            if (response != null && !isRetriable(response.statusCode())) {
                return response;
            }
            Duration retryAfter = response == null
                    ? null
                    : RetryAfter.parse(
                                    response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                            .orElse(null);
            Duration wait = retryPolicy.backoff(attempt, retryAfter, ThreadLocalRandom.current());
            long elapsed = System.nanoTime() - start;
            if (attempt >= retryPolicy.maxAttempts() || elapsed + wait.toNanos() > budget) {
                String last = response != null
                        ? response.statusCode() + " " + serverMessage(response)
                        : "no answer from " + request.uri().getAuthority() + " ("
                                + failure.getClass().getSimpleName() + describe(failure) + ")";
                throw new KilnException.Unavailable(
                        response != null ? response.statusCode() : 0,
                        attempt,
                        Duration.ofNanos(elapsed),
                        request.method() + " " + request.uri().getPath() + ": " + last,
                        failure);
            }
            Thread.sleep(wait);
        }
    }

    private static boolean isRetriable(int status) {
        return status == 503 || status == 429;
    }

    /** The exception for an answer that is not the route's success. */
    private static KilnException refusal(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        return switch (status) {
            case 400 -> new KilnException.InvalidRequest(violations(response));
            case 401 -> new KilnException.Unauthorized(serverMessage(response));
            case 409 -> new KilnException.Conflict(serverMessage(response));
            case 413 -> new KilnException.PayloadTooLarge(serverMessage(response));
            case 415 -> new KilnException.UnsupportedMediaType(serverMessage(response));
            default ->
                new KilnException.UnexpectedResponse(
                        status,
                        "unexpected answer " + status + " to "
                                + response.request().method() + " "
                                + response.request().uri().getPath() + ": " + serverMessage(response),
                        null);
        };
    }

    private static List<Violation> violations(HttpResponse<byte[]> response) {
        JsonNode errors = read(response, JsonNode.class).path("errors");
        List<Violation> violations = new ArrayList<>();
        for (JsonNode error : errors) {
            violations.add(new Violation(
                    error.path("field").asString("$"), error.path("message").asString("")));
        }
        if (violations.isEmpty()) {
            throw new KilnException.UnexpectedResponse(400, "400 without errors: " + abbreviated(response), null);
        }
        return violations;
    }

    /** The {@code message} of an error body {@code {"code", "message"}}, or the start of whatever came instead. */
    private static String serverMessage(HttpResponse<byte[]> response) {
        try {
            JsonNode message = JsonCodec.mapper().readTree(response.body()).path("message");
            if (message.isString()) {
                return message.asString();
            }
        } catch (JacksonException e) {
            // not JSON: a proxy's error page, say
        }
        return abbreviated(response);
    }

    private static String abbreviated(HttpResponse<byte[]> response) {
        String body = response.body() == null ? "" : new String(response.body(), StandardCharsets.UTF_8).strip();
        return body.length() <= 200 ? body : body.substring(0, 200) + "…";
    }

    private static String describe(IOException failure) {
        return failure.getMessage() == null ? "" : ": " + failure.getMessage();
    }

    private static <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        try {
            return JsonCodec.mapper().readValue(response.body(), type);
        } catch (JacksonException e) {
            throw new KilnException.UnexpectedResponse(
                    response.statusCode(),
                    "cannot read the answer to " + response.request().method() + " "
                            + response.request().uri().getPath() + " as " + type.getSimpleName() + ": "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    /**
     * Sets up a {@link KilnClient}. {@code baseUrl} and {@code apiKey} are required; the rest have defaults:
     * a new HTTP client with a 10 s connect timeout, 60 s per request (a submission waits for Kafka; the dispatcher
     * answers within about twice its accept timeout), and {@link RetryPolicy#DEFAULT}.
     */
    public static final class Builder {
        private URI baseUrl;
        private String apiKey;
        private HttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;

        private Builder() {}

        /** The dispatcher's address, such as {@code http://127.0.0.1:8080}; routes are resolved below it. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** The API key, sent as {@code Authorization: Bearer <key>}. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** An HTTP client to use instead of a new one; the caller keeps it and closes it. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** How long a new connection may take; only for the HTTP client this client makes. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one try waits for its answer; a try that times out is retried like a failed connection. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /**
         * Creates the client.
         *
         * @throws IllegalArgumentException naming the first setting that is missing or unusable
         */
        public KilnClient build() {
            if (baseUrl == null) {
                throw new IllegalArgumentException("baseUrl is required, such as http://127.0.0.1:8080");
            }
            String scheme =
                    baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL with a host, got " + baseUrl);
            }
            if (baseUrl.getQuery() != null || baseUrl.getFragment() != null) {
                throw new IllegalArgumentException("baseUrl must have no query or fragment, got " + baseUrl);
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey is required and must not be blank");
            }
            if (apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                // the key goes into a header: no spaces, controls or non-ASCII (and it is never echoed here)
                throw new IllegalArgumentException("apiKey must be printable ASCII without spaces");
            }
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            if (retryPolicy == null) {
                throw new IllegalArgumentException(
                        "retryPolicy must not be null (RetryPolicy.none() turns retries off)");
            }
            return new KilnClient(this);
        }

        private static void requirePositive(Duration value, String name) {
            if (value == null || !value.isPositive()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }
    }
}
