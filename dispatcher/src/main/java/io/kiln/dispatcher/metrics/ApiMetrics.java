package io.kiln.dispatcher.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The API's meters, named {@code kiln.*} like the worker's ({@code kiln_*} in Prometheus): every request timed by
 * method, route and status, and per API key (by its name, never the key) the requests it made and those refused for
 * its rate. Thread-safe: every HTTP thread records.
 */
public final class ApiMetrics {
    /** The route of a request that matched none: one series for all of them, whatever paths a scanner tries. */
    public static final String UNMATCHED = "unmatched";

    private final Meter.MeterProvider<Timer> requests;
    private final Map<String, Counter> requestsByKey;
    private final Map<String, Counter> rateLimitedByKey;

    /** @param keyNames the names of every API key, so that each key's series exists at zero from the start */
    public ApiMetrics(MeterRegistry registry, List<String> keyNames) {
        requests = Timer.builder("kiln.http.requests")
                .description("HTTP requests by method, route template and status, and their time to answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .withRegistry(registry);
        requestsByKey = perKey(registry, keyNames, "kiln.api.key.requests", "Requests made with each API key");
        rateLimitedByKey = perKey(
                registry, keyNames, "kiln.api.key.rate.limited", "Requests refused (429) for their key's rate limit");
    }

    /**
     * A request was answered.
     *
     * @param route the route's template, such as {@code /v1/jobs/{id}}, or {@link #UNMATCHED}: never the raw path,
     *     whose job ids would make a series per job
     */
    public void request(String method, String route, int status, Duration time) {
        requests.withTags("method", method, "route", route, "status", Integer.toString(status))
                .record(time);
    }

    /** A request came with the key named {@code keyName}. */
    public void keyRequest(String keyName) {
        requestsByKey.get(keyName).increment();
    }

    /** A request with the key named {@code keyName} was refused for the key's rate. */
    public void rateLimited(String keyName) {
        rateLimitedByKey.get(keyName).increment();
    }

    private static Map<String, Counter> perKey(
            MeterRegistry registry, List<String> keyNames, String name, String description) {
        return keyNames.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), key -> Counter.builder(name)
                .description(description)
                .tag("key", key)
                .register(registry)));
    }
}
