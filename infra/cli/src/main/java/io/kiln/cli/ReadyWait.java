package io.kiln.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Waits for a child of a local cluster to answer {@code 200} on its readiness URL, and says why when it does not. */
final class ReadyWait {

    /** How often the URL is asked; the pause ends early if the child exits. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private ReadyWait() {}

    /**
     * Returns once {@code ready} answers {@code 200}.
     *
     * @throws IllegalStateException, with the end of the child's log, if it exits first or is not ready within
     *     {@code timeout}
     */
    static void await(LocalProcesses.Child child, URI ready, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build()) {
            HttpRequest request =
                    HttpRequest.newBuilder(ready).timeout(REQUEST_TIMEOUT).GET().build();
            while (true) {
                if (!child.process().isAlive()) {
                    throw child.failure("exited with code " + child.process().exitValue() + " before it was ready");
                }
                if (answersOk(http, request)) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw child.failure("was not ready at " + ready + " within " + timeout.toSeconds() + " s");
                }
                child.process().waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static boolean answersOk(HttpClient http, HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            // not listening yet, or busy starting
            return false;
        }
    }
}
