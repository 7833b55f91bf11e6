package io.kiln.dispatcher.http;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.RateLimit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Each API key's rate limit: one resilience4j {@link AtomicRateLimiter} per key, which hands out the key's permits
 * for each period without locks. A request over the limit never waits for a permit (the limiter's timeout is zero):
 * it is refused at once and told when the next permit comes, so a busy client never holds an HTTP thread.
 */
final class KeyRateLimits {
    private record Limiter(RateLimit limit, AtomicRateLimiter permits) {}

    private final Map<String, Limiter> byName;

    KeyRateLimits(List<ApiKey> keys) {
        this.byName = keys.stream()
                .collect(Collectors.toUnmodifiableMap(
                        ApiKey::name, key -> new Limiter(key.rateLimit(), limiter(key.name(), key.rateLimit()))));
    }

    /**
     * Takes a permit for the key named {@code keyName}.
     *
     * @return empty if the key had one left; otherwise how long until its next, more than zero
     */
    Optional<Duration> take(String keyName) {
        AtomicRateLimiter limiter = byName.get(keyName).permits();
        if (limiter.acquirePermission()) {
            return Optional.empty();
        }
        return Optional.of(
                Duration.ofNanos(Math.max(1, limiter.getDetailedMetrics().getNanosToWait())));
    }

    /** The limit of the key named {@code keyName}. */
    RateLimit limitOf(String keyName) {
        return byName.get(keyName).limit();
    }

    private static AtomicRateLimiter limiter(String name, RateLimit limit) {
        return new AtomicRateLimiter(
                name,
                RateLimiterConfig.custom()
                        .limitForPeriod(limit.permits())
                        .limitRefreshPeriod(limit.period())
                        .timeoutDuration(Duration.ZERO)
                        .build());
    }
}
